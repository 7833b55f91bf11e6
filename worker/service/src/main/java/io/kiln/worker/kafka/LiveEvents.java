package io.kiln.worker.kafka;

import io.kiln.contracts.JobEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.TimeoutException;

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
    /**
     * Runs the producer's unbounded {@code flush()} one at a time, so that the poll thread can stop waiting for one:
     * with the broker away it would wait until the events' delivery timeout (2 min by default).
     */
    private final ExecutorService flusher = Executors.newSingleThreadExecutor(
            Thread.ofVirtual().name("kiln-live-flush").factory());

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
     * Sends what lingers and waits until every event sent so far is acknowledged or failed, so that a job's terminal
     * event, published later on another producer, cannot overtake them.
     *
     * @throws TimeoutException when they are not settled within {@code timeout}: the broker is away
     */
    public void flush(Duration timeout) {
        // a flush queued behind one still waiting starts after this call, so it covers every event sent before it
        Future<?> flushed = flusher.submit(producer::flush);
        try {
            flushed.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new TimeoutException("the live events were not acknowledged within " + timeout);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof KafkaException kafka
                    ? kafka
                    : new KafkaException("flushing the live events failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptException(e);
        }
    }

    @Override
    public void close() {
        producer.close();
        flusher.shutdownNow();
    }
}
