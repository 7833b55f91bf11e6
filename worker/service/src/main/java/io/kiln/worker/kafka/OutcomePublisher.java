package io.kiln.worker.kafka;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.JobEvent;
import io.kiln.worker.config.TopicSettings;
import io.kiln.worker.failure.JobFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerGroupMetadata;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.InvalidProducerEpochException;
import org.apache.kafka.common.errors.ProducerFencedException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.UnsupportedVersionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes job outcomes and commits the consumed offsets they settle in one Kafka transaction: the terminal event,
 * the retry record or the dead letter appear together with the commit, or not at all. Event readers use
 * {@code read_committed}, so a worker that dies mid-way leaves nothing half-done behind: the job is redelivered and
 * its outcome published once.
 *
 * <p>A job's {@code started} and {@code progress} events, sent on the {@link LiveEvents} producer, are acknowledged
 * before its terminal event is sent, so they cannot overtake it.
 *
 * <p>The broker away is waited out in place, up to a point in time the caller gives: a commit that timed out is
 * retried, since it may have reached the broker and only the same commit may follow it (as
 * {@link KafkaProducer#commitTransaction} documents), and an abort likewise. Any other failure aborts the
 * transaction, which the caller then publishes again: among them {@link InvalidProducerEpochException}, which is how a
 * transaction the coordinator aborted on its own (it outlived {@code transaction.timeout.ms} during the outage)
 * surfaces.
 *
 * <p>Used by the poll thread only, since the commit needs the consumer's group metadata.
 */
public final class OutcomePublisher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutcomePublisher.class);
    /** How long a publication waits for the live events before it: a wait for the broker, like a commit's. */
    private static final Duration LIVE_EVENTS_WAIT = Duration.ofSeconds(10);

    private final Producer<byte[], byte[]> producer;
    private final LiveEvents live;
    private final EventRecords events;
    private final Redirects redirects;
    private final int deadLetterPartitions;
    private final Clock clock;

    public OutcomePublisher(
            Map<String, Object> transactionalProperties,
            LiveEvents live,
            EventRecords events,
            TopicSettings topics,
            List<Duration> retryDelays,
            int deadLetterPartitions,
            Clock clock) {
        this.producer = new KafkaProducer<>(transactionalProperties);
        this.live = live;
        this.events = events;
        this.redirects = new Redirects(topics, retryDelays);
        this.deadLetterPartitions = deadLetterPartitions;
        this.clock = clock;
    }

    /**
     * Registers the transactional id with the broker, fencing off any earlier instance of this worker.
     *
     * @param giveUpAt until when a registration that timed out is tried again
     */
    public void initTransactions(Instant giveUpAt) {
        while (true) {
            try {
                producer.initTransactions();
                return;
            } catch (TimeoutException e) {
                giveUpAfter(giveUpAt, "registering the transactional id", e);
            }
        }
    }

    /**
     * Publishes every outcome's records and commits {@code offsets} for {@code group}, atomically.
     *
     * @param giveUpAt until when a commit or an abort that timed out is tried again
     * @return what each outcome became, in order
     * @throws KafkaException when the transaction failed and was aborted, or never began: nothing of it is visible,
     *     and the same outcomes may be published again
     * @throws JobFailure a fatal one when the producer cannot go on: another instance of this worker fenced it off,
     *     or it may not write, or a commit or an abort still timed out at {@code giveUpAt}
     */
    public List<Settled> publish(
            List<JobOutcome> outcomes,
            Map<TopicPartition, OffsetAndMetadata> offsets,
            ConsumerGroupMetadata group,
            Instant giveUpAt) {
        // the live events go first, so that no reader sees a job's progress after its end
        live.flush(LIVE_EVENTS_WAIT);
        producer.beginTransaction();
        try {
            Instant now = clock.instant();
            List<Settled> settled = outcomes.stream().map(o -> send(o, now)).toList();
            if (!offsets.isEmpty()) {
                producer.sendOffsetsToTransaction(offsets, group);
            }
            commit(giveUpAt);
            return settled;
        } catch (ProducerFencedException
                | FencedInstanceIdException
                | AuthorizationException
                | UnsupportedVersionException e) {
            throw JobFailure.fatal("cannot publish outcomes any more: " + e.getMessage(), e);
        } catch (KafkaException e) {
            abort(e, giveUpAt);
            throw e;
        }
    }

    private void commit(Instant giveUpAt) {
        while (true) {
            try {
                producer.commitTransaction();
                return;
            } catch (TimeoutException e) {
                giveUpAfter(giveUpAt, "committing a transaction", e);
            }
        }
    }

    private void abort(KafkaException failure, Instant giveUpAt) {
        while (true) {
            try {
                producer.abortTransaction();
                return;
            } catch (TimeoutException e) {
                giveUpAfter(giveUpAt, "aborting a failed transaction", e);
            } catch (KafkaException | IllegalStateException e) {
                e.addSuppressed(failure);
                throw JobFailure.fatal("cannot abort a failed transaction: " + e.getMessage(), e);
            }
        }
    }

    /** Returns to try {@code what} again, or throws the fatal failure once {@code giveUpAt} has come. */
    private void giveUpAfter(Instant giveUpAt, String what, TimeoutException timedOut) {
        if (!clock.instant().isBefore(giveUpAt)) {
            throw JobFailure.fatal(
                    "the broker did not answer in time: " + what + " still timed out at " + giveUpAt, timedOut);
        }
        log.warn("{} timed out; trying it again: {}", what, timedOut.getMessage());
    }

    private Settled send(JobOutcome outcome, Instant now) {
        return switch (outcome) {
            case JobOutcome.Ended ended -> {
                producer.send(events.of(ended.jobId(), ended.event()));
                yield switch (ended.event()) {
                    case JobEvent.Failed failed -> new Settled(Settled.Kind.FAILED, failed.code(), true);
                    case JobEvent.Cancelled cancelled -> new Settled(Settled.Kind.CANCELLED, null, false);
                    default -> new Settled(Settled.Kind.SUCCEEDED, null, false);
                };
            }
            case JobOutcome.Rejected rejected -> {
                deadLetter(rejected.record(), rejected.jobId(), rejected.failure(), false, now);
                yield new Settled(
                        Settled.Kind.DEAD_LETTERED,
                        rejected.failure().code(),
                        rejected.jobId().isPresent());
            }
            case JobOutcome.Retry retry -> {
                var next = redirects.retry(retry.record(), retry.jobId(), retry.failure(), now);
                if (next.isPresent()) {
                    producer.send(next.get());
                    yield new Settled(Settled.Kind.RETRIED, retry.failure().code(), false);
                }
                deadLetter(retry.record(), Optional.of(retry.jobId()), retry.failure(), true, now);
                yield new Settled(Settled.Kind.DEAD_LETTERED, retry.failure().code(), true);
            }
        };
    }

    private void deadLetter(
            JobRecord record, Optional<String> jobId, JobFailure failure, boolean retriable, Instant now) {
        var deadLetter = redirects.deadLetter(record, jobId, failure, now, deadLetterPartitions);
        producer.send(deadLetter);
        jobId.ifPresent(id -> producer.send(events.of(
                id,
                new JobEvent.Failed(
                        failure.code(), failure.getMessage(), retriable, record.attempt(), deadLetter.topic()))));
    }

    @Override
    public void close() {
        producer.close();
    }

    /**
     * What an outcome became once published, for the worker's counters and log.
     *
     * @param code the failure's code; null for jobs that succeeded or were cancelled
     * @param failedEvent whether a {@code failed} event went out: for a failed job, and for a dead letter whose job id
     *     could be read
     */
    public record Settled(Kind kind, ErrorCode code, boolean failedEvent) {
        public enum Kind {
            SUCCEEDED,
            CANCELLED,
            FAILED,
            RETRIED,
            DEAD_LETTERED
        }
    }
}
