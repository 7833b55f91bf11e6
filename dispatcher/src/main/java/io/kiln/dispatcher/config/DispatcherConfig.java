package io.kiln.dispatcher.config;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Everything a dispatcher is configured with, checked once at construction. Safe to log: no component's {@link
 * #toString()} shows a key hash or a client secret.
 *
 * @param http where the API listens and its body limit
 * @param kafka how to reach Kafka and how long to wait for it
 * @param topics the topics written and read
 * @param status the Streams application that keeps job status
 * @param apiKeys the keys allowed to call the API, each with its rate limit; at least one, names and hashes unique
 * @param storage the S3 store for uploads and image URLs
 * @param uploads how much {@code POST /v1/uploads} takes in
 * @param metrics where the metrics are served, and whose queue lag they report
 */
public record DispatcherConfig(
        HttpSettings http,
        KafkaSettings kafka,
        TopicSettings topics,
        StatusSettings status,
        List<ApiKey> apiKeys,
        StorageSettings storage,
        UploadSettings uploads,
        MetricsSettings metrics) {

    public DispatcherConfig {
        Check.notNull(http, "http");
        Check.notNull(kafka, "kafka");
        Check.notNull(topics, "topics");
        Check.notNull(status, "status");
        Check.notNull(storage, "storage");
        Check.notNull(uploads, "uploads");
        Check.notNull(metrics, "metrics");
        apiKeys = List.copyOf(Check.notNull(apiKeys, "apiKeys"));
        if (apiKeys.isEmpty()) {
            throw new IllegalArgumentException("apiKeys: must hold at least one key, or no client could call the API");
        }
        Set<String> names = new HashSet<>();
        Set<String> hashes = new HashSet<>();
        for (ApiKey key : apiKeys) {
            if (!names.add(key.name())) {
                throw new IllegalArgumentException("apiKeys: the name '" + key.name() + "' is used twice");
            }
            if (!hashes.add(key.sha256())) {
                throw new IllegalArgumentException(
                        "apiKeys[" + key.name() + "]: the same key is given another name too");
            }
        }
    }
}
