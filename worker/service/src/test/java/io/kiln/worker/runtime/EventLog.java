package io.kiln.worker.runtime;

import static org.awaitility.Awaitility.await;

import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.contracts.JsonCodec;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.worker.kafka.WholeTopic;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * The committed events of one event topic, as a reader with {@code read_committed} sees them, gathered by job on a
 * thread of their own so that tests can wait for a job's fate.
 */
final class EventLog implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Map<String, List<JobEventEnvelope>> byJob = new ConcurrentHashMap<>();
    private final Thread thread;

    EventLog(KafkaEndpoint kafka, String topic) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()));
        this.thread = Thread.ofPlatform().name("event-log").daemon().start(() -> read(topic));
    }

    private void read(String topic) {
        try {
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> !consumer.partitionsFor(topic).isEmpty());
            WholeTopic.assignFromStart(consumer, topic);
            while (!Thread.currentThread().isInterrupted()) {
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    JobEventEnvelope event = JsonCodec.readEvent(record.value());
                    byJob.computeIfAbsent(event.subject(), id -> new CopyOnWriteArrayList<>())
                            .add(event);
                }
            }
        } catch (WakeupException e) {
            // closed
        } finally {
            consumer.close();
        }
    }

    /** Every event of {@code jobId} so far, in order. */
    List<JobEvent> of(String jobId) {
        return byJob.getOrDefault(jobId, List.of()).stream()
                .map(JobEventEnvelope::data)
                .toList();
    }

    /** When the worker stamped the first event of {@code jobId} that matches {@code which}. */
    Instant timeOf(String jobId, Predicate<JobEvent> which) {
        return byJob.getOrDefault(jobId, List.of()).stream()
                .filter(envelope -> which.test(envelope.data()))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no such event of " + jobId + ": " + of(jobId)))
                .time();
    }

    /** The terminal events of {@code jobId} so far: {@code succeeded}, {@code failed} or {@code cancelled}. */
    List<JobEvent> terminal(String jobId) {
        return of(jobId).stream().filter(EventLog::isTerminal).toList();
    }

    /** The one terminal event of {@code jobId}, once there is one. */
    JobEvent awaitTerminal(String jobId, Duration timeout) {
        await().atMost(timeout).until(() -> !terminal(jobId).isEmpty());
        return terminal(jobId).getFirst();
    }

    /** Waits until every job of {@code jobIds} has a terminal event. */
    void awaitAllTerminal(Collection<String> jobIds, Duration timeout) {
        await().atMost(timeout).pollInterval(Duration.ofMillis(200)).until(() -> jobIds.stream()
                .allMatch(id -> !terminal(id).isEmpty()));
    }

    /** Waits until {@code jobId} has an event of {@code type}. */
    void awaitEvent(String jobId, Class<? extends JobEvent> type, Duration timeout) {
        await().atMost(timeout).until(() -> of(jobId).stream().anyMatch(type::isInstance));
    }

    /** The jobs with any event so far. */
    List<String> jobs() {
        return new ArrayList<>(byJob.keySet());
    }

    static boolean isTerminal(JobEvent event) {
        return event instanceof JobEvent.Succeeded
                || event instanceof JobEvent.Failed
                || event instanceof JobEvent.Cancelled;
    }

    @Override
    public void close() throws InterruptedException {
        consumer.wakeup();
        thread.join();
    }
}
