package io.kiln.cli;

import io.kiln.contracts.Headers;
import io.kiln.contracts.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Writes the soak's request records to the job topic as the dispatcher does (keyed and headed by job id, acks from all
 * replicas, idempotent), and tells the {@link SoakLedger} where each landed once the broker acknowledges it. A record
 * sent while the broker is away waits in the producer until it returns.
 */
final class SoakSubmitter implements AutoCloseable {
    /** A record to send: the job id it declares, the job id its outcome will carry, and its bytes. */
    record Outgoing(String declaredJobId, String outcomeJobId, byte[] value) {}

    private final KafkaProducer<byte[], byte[]> producer;
    private final SoakLedger ledger;
    private final Set<String> refused = ConcurrentHashMap.newKeySet();

    SoakSubmitter(String bootstrapServers, SoakLedger ledger) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                true,
                // past the longest broker outage the soak makes: a record waits for the broker rather than fail
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                (int) Duration.ofMinutes(5).toMillis(),
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                (int) Duration.ofMinutes(5).toMillis(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName()));
        this.ledger = ledger;
    }

    /** Sends {@code records} evenly over {@code span}, the first at once. */
    void sendOver(List<Outgoing> records, Duration span) throws InterruptedException {
        long start = System.nanoTime();
        long interval = span.toNanos() / Math.max(1, records.size());
        for (int i = 0; i < records.size(); i++) {
            long due = start + i * interval;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(Duration.ofNanos(wait));
            }
            send(records.get(i));
        }
        producer.flush();
    }

    /** Sends {@code records} as fast as the producer takes them. */
    void sendAll(List<Outgoing> records) {
        records.forEach(this::send);
        producer.flush();
    }

    /** Records the broker refused for good: never accepted, so never a job. */
    int refused() {
        return refused.size();
    }

    /** The outcome job ids of the records the broker refused. */
    Set<String> refusedIds() {
        return Set.copyOf(refused);
    }

    private void send(Outgoing outgoing) {
        byte[] key = outgoing.declaredJobId().getBytes(StandardCharsets.UTF_8);
        var record = new ProducerRecord<>(Topics.JOBS, key, outgoing.value());
        record.headers().add(Headers.JOB_ID, key);
        long sentAt = System.nanoTime();
        producer.send(record, (metadata, failure) -> {
            if (failure != null) {
                refused.add(outgoing.outcomeJobId());
            } else {
                ledger.sent(new SoakLedger.Sent(
                        outgoing.outcomeJobId(),
                        new TopicPartition(metadata.topic(), metadata.partition()),
                        metadata.offset(),
                        sentAt));
            }
        });
    }

    @Override
    public void close() {
        producer.close();
    }
}
