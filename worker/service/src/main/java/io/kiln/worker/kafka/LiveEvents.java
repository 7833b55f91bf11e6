package io.kiln.worker.kafka;

import io.kiln.contracts.JobEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;

/**
 * The non-terminal events, {@code started} and {@code progress}, on a plain idempotent producer: they need no
 * transaction, since a repeated {@code started} after a redelivery is true (a new attempt began). {@code progress}
 * is sent at most once a second per job, and always on the last step.
 */
public final class LiveEvents implements AutoCloseable {
    private static final Duration PROGRESS_INTERVAL = Duration.ofSeconds(1);

    private final Producer<byte[], byte[]> producer;
    private final EventRecords records;
    private final ProgressThrottle throttle = new ProgressThrottle(PROGRESS_INTERVAL);

    public LiveEvents(Map<String, Object> producerProperties, EventRecords records) {
        this.producer = new KafkaProducer<>(producerProperties);
        this.records = records;
    }

    public void started(String jobId, String model, String worker, int attempt) {
        producer.send(records.of(jobId, new JobEvent.Started(model, worker, attempt)));
    }

    /** Sends {@code progress} unless one went out for the job less than a second ago; the last step always goes. */
    public void progress(String jobId, int step, int total, Instant now) {
        if (throttle.admit(jobId, step, total, now)) {
            producer.send(records.of(jobId, new JobEvent.Progress(step, total)));
        }
    }

    /** Forgets a job's throttle, for a job that ends before its last step. */
    public void forget(String jobId) {
        throttle.forget(jobId);
    }

    /**
     * Sends what lingers and waits until every event sent so far is acknowledged, so that a job's terminal event,
     * published later on another producer, cannot overtake them.
     */
    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
