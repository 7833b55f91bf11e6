package io.kiln.dispatcher.intake;

import io.kiln.contracts.CancelCommand;
import io.kiln.contracts.Headers;
import io.kiln.contracts.JsonCodec;
import io.kiln.dispatcher.status.StatusUnavailableException;
import io.kiln.dispatcher.status.StoredStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;

/**
 * Accepts cancels: writes a {@link CancelCommand} for a job to the control topic, keyed by job id, where every worker
 * reads it ({@code ControlListener} in the worker). The topic is compacted, so a cancel written twice is one cancel,
 * and a client may retry freely.
 *
 * <p>A job is looked up as {@link JobIntake#find} does, so a key can cancel only its own jobs, and another key's job is
 * as unknown as one never accepted. A job already final is answered as it is and nothing is written: a cancel could
 * change nothing, and would only sit on the topic until its retention ends.
 *
 * <p>A job that finishes between the look-up and the write gets a cancel nobody acts on: the worker checks for cancels
 * only before a job starts and between its steps, and the status keeps the job's first final state.
 *
 * <p><b>Bounded waits</b> as for a submission: the producer ({@code ClientProperties.jobProducer}, acks=all,
 * idempotent) gives up after {@code acceptTimeout} for metadata and again for the delivery.
 */
public final class CancelIntake {
    // the producer's own timeouts end every write; this only guards against a producer that never completes
    private static final Duration WAIT_SLACK = Duration.ofSeconds(2);

    private final Producer<String, byte[]> producer;
    private final String controlTopic;
    private final Duration acceptTimeout;
    private final JobIntake jobs;
    private final Clock clock;

    /**
     * @param producer shared with {@link JobIntake}: acks=all and idempotent
     * @param jobs answers which jobs a key may see
     * @param clock stamps {@link CancelCommand#requestedAt()} and the record's time, from which workers age cancels
     */
    public CancelIntake(
            Producer<String, byte[]> producer,
            String controlTopic,
            Duration acceptTimeout,
            JobIntake jobs,
            Clock clock) {
        this.producer = producer;
        this.controlTopic = controlTopic;
        this.acceptTimeout = acceptTimeout;
        this.jobs = jobs;
        this.clock = clock;
    }

    /** Cancels {@code jobId} for {@code keyName}, or says why not. Blocks until Kafka answered or gave up. */
    public Cancellation cancel(String jobId, String keyName) throws InterruptedException {
        Optional<StoredStatus> found;
        try {
            found = jobs.find(jobId, keyName);
        } catch (StatusUnavailableException e) {
            return new Cancellation.Unavailable(e.getMessage());
        }
        if (found.isEmpty()) {
            return new Cancellation.NotFound(jobId);
        }
        StoredStatus job = found.get();
        if (job.state().isFinal()) {
            return new Cancellation.AlreadyFinished(job);
        }
        return write(job, keyName);
    }

    private Cancellation write(StoredStatus job, String keyName) throws InterruptedException {
        Instant now = clock.instant();
        var command = new CancelCommand("cancelled through the API by key " + keyName, now);
        var record =
                new ProducerRecord<>(controlTopic, null, now.toEpochMilli(), job.jobId(), JsonCodec.write(command));
        record.headers()
                .add(Headers.JOB_ID, job.jobId().getBytes(StandardCharsets.UTF_8))
                .add(Headers.API_KEY_NAME, keyName.getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(record)
                    .get(acceptTimeout.multipliedBy(2).plus(WAIT_SLACK).toMillis(), TimeUnit.MILLISECONDS);
            return new Cancellation.Requested(job);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            return new Cancellation.Unavailable("Kafka did not acknowledge the cancel within "
                    + acceptTimeout.toSeconds() + " s (" + cause.getClass().getSimpleName() + "); it was not written");
        }
    }
}
