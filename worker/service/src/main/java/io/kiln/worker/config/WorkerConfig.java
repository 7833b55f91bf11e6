package io.kiln.worker.config;

import java.util.regex.Pattern;

/**
 * Everything a worker is configured with, read once at start-up by {@link WorkerConfigLoader}. Safe to log: no
 * component's {@link #toString()} shows a secret.
 *
 * @param workerId names this worker in client ids, transactional ids and events; unique within the cluster
 */
public record WorkerConfig(
        String workerId,
        KafkaSettings kafka,
        TopicSettings topics,
        StorageSettings storage,
        ModelSettings model,
        BatchingSettings batching,
        RetrySettings retry,
        ShutdownSettings shutdown,
        HttpSettings http) {

    static final Pattern WORKER_ID = Pattern.compile("[A-Za-z0-9._:-]+");
    static final String WORKER_ID_RULE = "must be letters, digits, '.', '_', ':' or '-'";

    public WorkerConfig {
        if (!WORKER_ID.matcher(Check.notNull(workerId, "workerId")).matches()) {
            throw new IllegalArgumentException("workerId: " + WORKER_ID_RULE + ", was '" + workerId + "'");
        }
        Check.notNull(kafka, "kafka");
        Check.notNull(topics, "topics");
        Check.notNull(storage, "storage");
        Check.notNull(model, "model");
        Check.notNull(batching, "batching");
        Check.notNull(retry, "retry");
        Check.notNull(shutdown, "shutdown");
        Check.notNull(http, "http");
    }
}
