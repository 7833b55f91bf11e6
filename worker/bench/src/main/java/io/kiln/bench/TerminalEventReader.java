package io.kiln.bench;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.contracts.JsonCodec;
import io.kiln.worker.kafka.WholeTopic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads the event topic from its beginning, as a client does ({@code read_committed}), for the jobs' terminal events.
 */
final class TerminalEventReader implements AutoCloseable {
    /** The terminal events of some jobs: the batch size each succeeded job reported, and when the last was read. */
    record Terminals(List<Integer> batchSizes, long lastReadAtNanos) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, JobEvent> terminal = new HashMap<>();
    private final Map<String, Long> readAt = new HashMap<>();

    TerminalEventReader(String bootstrapServers, String topic) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                // terminal events count once their transaction commits, as for every client of the cluster
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName()));
        WholeTopic.assignFromStart(consumer, topic);
    }

    /** Reads until every job of {@code requests} has its terminal event; each must be {@code succeeded}. */
    Terminals await(List<GenerationRequest> requests, Duration timeout) {
        List<String> ids = requests.stream().map(GenerationRequest::jobId).toList();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!terminal.keySet().containsAll(ids)) {
            if (System.nanoTime() > deadline) {
                long missing =
                        ids.stream().filter(id -> !terminal.containsKey(id)).count();
                throw new IllegalStateException(missing + " of " + ids.size() + " jobs did not end within " + timeout);
            }
            for (var record : consumer.poll(Duration.ofMillis(100))) {
                JobEventEnvelope envelope = JsonCodec.readEvent(record.value());
                JobEvent event = envelope.data();
                if (event instanceof JobEvent.Succeeded
                        || event instanceof JobEvent.Failed
                        || event instanceof JobEvent.Cancelled) {
                    terminal.put(envelope.subject(), event);
                    readAt.put(envelope.subject(), System.nanoTime());
                }
            }
        }
        List<Integer> sizes = new ArrayList<>();
        long last = Long.MIN_VALUE;
        for (String id : ids) {
            if (!(terminal.get(id) instanceof JobEvent.Succeeded succeeded)) {
                throw new IllegalStateException("job " + id + " did not succeed: " + terminal.get(id));
            }
            sizes.add(succeeded.batchSize());
            last = Math.max(last, readAt.get(id));
        }
        return new Terminals(sizes, last);
    }

    @Override
    public void close() {
        consumer.close();
    }
}
