package io.kiln.dispatcher.kafka;

import io.kiln.dispatcher.config.KafkaSettings;
import io.kiln.dispatcher.config.StatusSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.LogAndContinueExceptionHandler;
import org.apache.kafka.streams.errors.LogAndContinueProcessingExceptionHandler;

/**
 * The dispatcher's Kafka client settings, one line of reason each. The operator's pass-through properties (SASL, TLS)
 * are applied last and win, except where this class names a setting the dispatcher's guarantees rest on.
 */
public final class ClientProperties {
    private final KafkaSettings kafka;
    private final String clientIdPrefix;

    /** @param clientIdPrefix starts every client's id; the Streams application id, which Streams uses the same way */
    public ClientProperties(KafkaSettings kafka, String clientIdPrefix) {
        this.kafka = kafka;
        this.clientIdPrefix = clientIdPrefix;
    }

    /** The producer of accepted jobs, and of cancels to the control topic: a 202 for either stands for one record. */
    public Map<String, Object> jobProducer() {
        Map<String, Object> p = common("jobs");
        // a job or a cancel counts as accepted only once every in-sync replica has it: a 202 must survive a broker loss
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // the producer's own resends are deduplicated by the broker, so a 202 never stands for two records
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // the client waits on this write: the 4.x default of 5 ms would add 5 ms to every POST (REFERENCE §4b)
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        int timeoutMs = Math.toIntExact(kafka.acceptTimeout().toMillis());
        // bounded waits, so a POST answers 503 instead of hanging while Kafka is away: for metadata in send() ...
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
        // ... and for the delivery, retries included; it must be at least linger.ms + request.timeout.ms
        p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs);
        p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return withOverrides(
                p,
                ProducerConfig.ACKS_CONFIG,
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG);
    }

    /** The admin client that creates missing topics and answers the health check. */
    public Map<String, Object> admin() {
        Map<String, Object> p = common("admin");
        // the health check must answer within a probe's timeout, not after the 60 s default
        p.put(CommonClientConfigs.DEFAULT_API_TIMEOUT_MS_CONFIG, 5_000);
        p.put(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG, 5_000);
        return withOverrides(p);
    }

    /** The Streams application that folds jobs and events into the status topic. */
    public Map<String, Object> streams(StatusSettings status) {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, status.applicationId());
        p.put(StreamsConfig.STATE_DIR_CONFIG, status.stateDir().toString());
        // the fold tolerates a record read twice (StatusFold), so at-least-once is enough and saves transactions
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.AT_LEAST_ONCE);
        // every change goes out at once instead of after the cache's flush: a GET sees a step within milliseconds
        p.put(StreamsConfig.STATESTORE_CACHE_MAX_BYTES_CONFIG, 0L);
        // after a crash at most a second of records is folded again, which the fold tolerates; 30 s is the default
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1_000);
        // status changes are small and a client is polling for them: no 100 ms batching delay (Streams' default)
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 0);
        // workers publish final events in transactions; an aborted one (a fenced worker) must not count
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG), "read_committed");
        // a malformed record on a topic others write is logged and skipped, not a reason to stop reporting status
        p.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueExceptionHandler.class);
        // likewise a record the fold cannot handle: retrying it would stop every job's status behind it for good
        p.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, LogAndContinueProcessingExceptionHandler.class);
        return withOverrides(
                p,
                StreamsConfig.APPLICATION_ID_CONFIG,
                StreamsConfig.STATE_DIR_CONFIG,
                StreamsConfig.consumerPrefix(ConsumerConfig.ISOLATION_LEVEL_CONFIG));
    }

    private Map<String, Object> common(String role) {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        // names the dispatcher and the client's role in broker logs and metrics
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientIdPrefix + "-" + role);
        return p;
    }

    /** Applies the operator's properties, except {@code guarded} ones, which the dispatcher's guarantees depend on. */
    private Map<String, Object> withOverrides(Map<String, Object> properties, String... guarded) {
        Map<String, Object> merged = new HashMap<>(properties);
        merged.putAll(kafka.clientProperties());
        for (String key : guarded) {
            merged.put(key, Objects.requireNonNull(properties.get(key), key));
        }
        return Map.copyOf(merged);
    }
}
