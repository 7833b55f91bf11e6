package io.kiln.worker.kafka;

import io.kiln.worker.config.KafkaSettings;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The worker's Kafka client settings, one line of reason each. The operator's pass-through properties (SASL, TLS,
 * timeouts) are applied last and win, except where this class names a setting the worker's guarantees rest on.
 */
public final class KafkaClientProperties {
    private final KafkaSettings settings;
    private final String workerId;

    public KafkaClientProperties(KafkaSettings settings, String workerId) {
        this.settings = settings;
        this.workerId = workerId;
    }

    /** The job consumer, owned by the poll thread. */
    public Map<String, Object> jobConsumer() {
        Map<String, Object> p = common("job-consumer");
        p.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        // the classic protocol, because the new one (KIP-848) assigns on the broker and ignores client assignors
        p.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        // cooperative rebalancing: a worker joining or leaving moves only the partitions it must, nobody stops
        p.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName());
        // static membership: a restarted worker gets its partitions back without a rebalance
        settings.groupInstanceId().ifPresent(id -> p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, id));
        // offsets are committed through the transactional producer, only once a job's fate is published
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // a new group starts from the oldest job, so nothing submitted before the first worker started is skipped
        p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        // a job is minutes of GPU time, so take few at a time; the rest stay with the group for other workers
        p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 16);
        // skip records of aborted transactions, such as retries a crashed worker never committed
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // keys and values stay bytes: a bad record must reach the dead-letter topic exactly as it came
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return withOverrides(p, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, ConsumerConfig.ISOLATION_LEVEL_CONFIG);
    }

    /** The producer of terminal events, retries and dead letters, committing consumed offsets in its transactions. */
    public Map<String, Object> transactionalProducer() {
        Map<String, Object> p = producer("outcome-producer");
        // one id per worker: a restarted worker fences off its zombie, whose commits then fail instead of doubling
        p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kiln-worker-" + workerId);
        // back-to-back transactions otherwise wait 100 ms on CONCURRENT_TRANSACTIONS (REFERENCE §4b)
        p.put(ProducerConfig.RETRY_BACKOFF_MS_CONFIG, 10);
        // a worker killed inside a transaction holds back read_committed readers until it times out; ours take ms
        p.put(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, 10_000);
        // a commit waiting for an absent broker is one attempt of the worker's own retry (retry.broker-give-up-after),
        // which may check its bound only between attempts: the default of 60 s would be the whole bound
        p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10_000);
        return withOverrides(p, ProducerConfig.TRANSACTIONAL_ID_CONFIG, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
    }

    /** The producer of {@code started} and {@code progress} events, which need no transaction. */
    public Map<String, Object> eventProducer() {
        Map<String, Object> p = producer("event-producer");
        // a step's events for a whole batch share one request; each terminal event flushes them first anyway
        p.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        return withOverrides(p, ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG);
    }

    /** The reader of the control topic: no group, every worker reads all of it. */
    public Map<String, Object> controlConsumer() {
        Map<String, Object> p = common("control-consumer");
        // cancels written in a transaction count once committed, and an aborted one never
        p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // no group, so nothing to commit to: the consumer refuses to start with auto-commit on and no group
        p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return withOverrides(p, ConsumerConfig.ISOLATION_LEVEL_CONFIG, ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG);
    }

    /** The admin client that checks and creates the worker's topics at start-up. */
    public Map<String, Object> admin() {
        return withOverrides(common("admin"));
    }

    private Map<String, Object> producer(String role) {
        Map<String, Object> p = common(role);
        // an event counts as published only once every in-sync replica has it
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        // broker-side deduplication of the producer's own retries: no event is written twice by a resend
        p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // the 4.x default of 5 ms adds 5 ms to every job's end-to-end time (REFERENCE §4b); events are not bulk data
        p.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        return p;
    }

    private Map<String, Object> common(String role) {
        Map<String, Object> p = new HashMap<>();
        p.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers());
        // names the worker and the client's role in broker logs and metrics
        p.put(CommonClientConfigs.CLIENT_ID_CONFIG, "kiln-" + workerId + "-" + role);
        return p;
    }

    /** Applies the operator's properties, except {@code guarded} ones, which the worker's guarantees depend on. */
    private Map<String, Object> withOverrides(Map<String, Object> properties, String... guarded) {
        Map<String, Object> merged = new HashMap<>(properties);
        settings.clientProperties().forEach(merged::put);
        for (String key : guarded) {
            merged.put(key, Objects.requireNonNull(properties.get(key), key));
        }
        return Map.copyOf(merged);
    }
}
