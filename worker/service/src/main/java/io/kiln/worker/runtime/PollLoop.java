package io.kiln.worker.runtime;

import io.kiln.worker.batching.MicroBatcher;
import io.kiln.worker.batching.Priority;
import io.kiln.worker.config.BatchingSettings;
import io.kiln.worker.failure.JobFailure;
import io.kiln.worker.kafka.JobOutcome;
import io.kiln.worker.kafka.JobRecord;
import io.kiln.worker.kafka.OffsetLedger;
import io.kiln.worker.kafka.OutcomePublisher;
import io.kiln.worker.ops.WorkerMetrics;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The poll thread: the only user of the job consumer and of the transactional producer. It takes records, queues the
 * jobs in the {@link MicroBatcher}, hands due batches to the idle engine, and publishes each job's outcome together
 * with the commit of its offset.
 *
 * <p>It never blocks on a batch: {@code poll()} keeps running, and so keeps the member in its group, however long
 * the engine takes. Once a batch is running and the next one is already waiting, the assigned partitions are paused
 * so that the worker holds no more jobs than it can start soon; the rest stay with the group for other workers. A
 * partition is paused too while its commit could list no more records settled ahead of an unfinished one.
 */
final class PollLoop implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(PollLoop.class);
    private static final Duration LONGEST_POLL = Duration.ofMillis(500);
    private static final Duration PUBLISH_BACKOFF = Duration.ofMillis(200);
    /** How long one attempt to read newly assigned partitions' commits may hold up the loop. */
    private static final Duration RESTORE_WAIT = Duration.ofSeconds(5);

    private final Consumer<byte[], byte[]> consumer;
    private final Pattern topics;
    private final OutcomePublisher publisher;
    private final RequestIntake intake;
    private final PriorRuns priorRuns;
    private final InitImages initImages;
    private final MicroBatcher<BatchKey, PendingJob> batcher;
    private final int maxBatchImages;
    private final BatchEngine engine;
    private final OutputStage output;
    private final Outcomes outcomes;
    private final WorkerMetrics metrics;
    private final Duration grace;
    private final Clock clock;
    private final BrokerOutage outage;

    private final OffsetLedger ledger = new OffsetLedger();
    /** Records taken and not yet settled, so that a late outcome for a partition given away is dropped. */
    private final Set<Taken> unsettled = new HashSet<>();
    /** Outcomes whose publishing failed, published again with the next ones. */
    private final List<JobOutcome> unpublished = new ArrayList<>();
    /** Retry partitions waiting for their next record's not-before time. */
    private final Map<TopicPartition, Instant> resting = new HashMap<>();
    /**
     * Partitions whose commit metadata could not list one more record settled ahead of their unfinished head, with
     * the offset each stopped at: paused until the head finishes.
     */
    private final Map<TopicPartition, Long> full = new HashMap<>();
    /** This worker's ownership of each assigned partition, which the jobs taken there carry. */
    private final Map<TopicPartition, Tenure> tenures = new HashMap<>();
    /** Newly assigned partitions, paused until the ledger has their previous owner's commit. */
    private final Set<TopicPartition> restoring = new HashSet<>();

    /** Read by HTTP threads for readiness: {@link #assignedOnce} and nothing {@link #restoring}. */
    private final AtomicBoolean joined = new AtomicBoolean();

    private boolean assignedOnce;
    private volatile boolean stopping;
    private Instant publishNotBefore = Instant.MIN;
    /**
     * The end of the shutdown's grace period, once stopping: the revocation that leaving the group runs waits no
     * longer, so that a stop takes one grace period in all.
     */
    private Instant stopBy = Instant.MAX;

    /** The poll thread's own Kafka clients: the job consumer, which is not thread safe, and the outcome producer. */
    record Clients(Consumer<byte[], byte[]> consumer, OutcomePublisher publisher) {}

    /** Where jobs come from: the topics, how a record becomes a job, and what is read for a job while it waits. */
    record Sources(Pattern topics, RequestIntake requests, PriorRuns priorRuns, InitImages initImages) {}

    /** Where batches go, and where their outcomes come back from. */
    record Stages(BatchEngine engine, OutputStage output, Outcomes outcomes) {}

    /**
     * How jobs are batched, and how long the loop waits for what.
     *
     * @param grace how long running jobs may finish on a stop or a revocation
     * @param brokerGiveUpAfter how long the broker may fail every call before the worker stops
     */
    record Settings(BatchingSettings batching, Duration grace, Duration brokerGiveUpAfter) {}

    PollLoop(Clients clients, Sources sources, Stages stages, Settings settings, WorkerMetrics metrics, Clock clock) {
        this.consumer = clients.consumer();
        this.publisher = clients.publisher();
        this.topics = sources.topics();
        this.intake = sources.requests();
        this.priorRuns = sources.priorRuns();
        this.initImages = sources.initImages();
        BatchingSettings batching = settings.batching();
        this.batcher = new MicroBatcher<>(
                batching.maxBatchImages(),
                batching.maxBatchDelay(),
                job -> job.spec().key(),
                job -> job.spec().images(),
                new Priority<>(job -> job.spec().request().priority(), batching.starvationLimit()));
        this.maxBatchImages = batching.maxBatchImages();
        this.engine = stages.engine();
        this.output = stages.output();
        this.outcomes = stages.outcomes();
        this.metrics = metrics;
        this.grace = settings.grace();
        this.clock = clock;
        this.outage = new BrokerOutage(settings.brokerGiveUpAfter(), clock);
        outcomes.wakeWith(consumer::wakeup);
    }

    /**
     * Whether the consumer has joined its group and received an assignment, even an empty one, and has read the
     * commits of the partitions assigned.
     */
    boolean joined() {
        return joined.get();
    }

    /** Whether the loop was asked to stop: it takes no more jobs. */
    boolean stopping() {
        return stopping;
    }

    /** The failure that stopped the loop, if one did. */
    Optional<JobFailure> fatal() {
        return outcomes.fatal();
    }

    /** Asks the loop to stop fetching, settle what it can within the grace period, and leave the group. */
    void stop() {
        stopping = true;
        consumer.wakeup();
    }

    @Override
    public void run() {
        consumer.subscribe(topics, new Rebalance());
        try {
            while (!stopping && outcomes.fatal().isEmpty()) {
                restore();
                List<JobOutcome> rejected = take(poll(timeout()));
                rejected.addAll(outcomes.drain());
                settle(rejected);
                dispatch();
                throttle();
            }
            if (outcomes.fatal().isEmpty()) {
                drain();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            outcomes.fatal(JobFailure.fatal("the poll loop failed: " + e, e));
        } finally {
            engine.abandon();
            if (outcomes.fatal().isPresent()) {
                // nothing more will be published: the revocation that leaving runs has nothing to wait for
                stopBy = clock.instant();
            }
            leaveGroup();
            outcomes.fatal().ifPresent(f -> log.error("the worker stops: {}", f.getMessage(), f));
        }
    }

    /** Leaves the group now, even with static membership, so that the partitions move at once. */
    private void leaveGroup() {
        try {
            consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP));
        } catch (RuntimeException e) {
            // the revocation it runs may fail to publish; the group's session timeout then moves the partitions
            log.warn("leaving the group failed: {}", e.toString());
        }
    }

    private ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
        try {
            return consumer.poll(timeout);
        } catch (WakeupException e) {
            return ConsumerRecords.empty();
        }
    }

    /**
     * Starts the ledger of each newly assigned partition from its commit: the offset, and the records the previous
     * owner settled above it, which this worker must skip. Done here rather than in the rebalance callback, where a
     * wakeup (every reported outcome sends one) or a broker timeout would escape from {@code poll()} after the
     * assignment took effect, and the callback, retried, would no longer see the partitions as new. Until restored,
     * the partitions stay paused.
     */
    private void restore() {
        if (restoring.isEmpty()) {
            return;
        }
        Set<TopicPartition> partitions = Set.copyOf(restoring);
        Map<TopicPartition, OffsetAndMetadata> commits;
        try {
            commits = consumer.committed(partitions, RESTORE_WAIT);
        } catch (WakeupException e) {
            return; // an outcome woke the loop: it is published first, and the restore tried again on the next turn
        } catch (KafkaException e) {
            log.warn("could not read the commits of {}; trying again: {}", partitions, e.toString());
            metrics.brokerRetry();
            brokerFailed(e);
            return;
        }
        outage.recovered();
        commits.forEach((partition, committed) -> {
            if (committed != null) {
                ledger.restore(partition, committed);
            }
        });
        recordEnds(partitions);
        restoring.removeAll(partitions);
        updateJoined();
        log.info("restored {} from their commits", partitions);
    }

    /** Where the partitions end now: earlier owners can have taken no record beyond. */
    private void recordEnds(Collection<TopicPartition> partitions) {
        try {
            priorRuns.assigned(consumer.endOffsets(partitions));
        } catch (KafkaException e) {
            // a wakeup too: the ends only spare S3 reads, so they are not worth holding the partitions up for
            log.warn(
                    "could not read where {} end; every job there is looked up in S3 first: {}",
                    partitions,
                    e.toString());
        }
    }

    private void updateJoined() {
        joined.set(assignedOnce && restoring.isEmpty());
    }

    /** Until the next thing the loop must do without being woken: a batch falls due, or a retry's rest ends. */
    private Duration timeout() {
        Instant now = clock.instant();
        Instant next = now.plus(LONGEST_POLL);
        if (canRun()) {
            next = min(next, batcher.nextDeadline().orElse(next));
        }
        for (Instant until : resting.values()) {
            next = min(next, until);
        }
        if (!unpublished.isEmpty()) {
            next = min(next, publishNotBefore);
        }
        Duration wait = Duration.between(now, next);
        return wait.isNegative() ? Duration.ZERO : wait;
    }

    /** Takes the records: jobs go to the batcher, and the outcomes of records rejected on sight are returned. */
    private List<JobOutcome> take(ConsumerRecords<byte[], byte[]> records) {
        Instant now = clock.instant();
        List<JobOutcome> rejections = new ArrayList<>();
        Set<TopicPartition> deferred = new HashSet<>();
        for (ConsumerRecord<byte[], byte[]> consumed : records) {
            JobRecord record = JobRecord.of(consumed);
            TopicPartition partition = record.partition();
            if (deferred.contains(partition)) {
                continue;
            }
            var notBefore = record.notBefore().filter(now::isBefore);
            if (notBefore.isPresent()) {
                // a retry waits for its time: rewind to it and rest the partition; later records there wait behind it
                consumer.seek(partition, record.offset());
                consumer.pause(List.of(partition));
                resting.put(partition, notBefore.get());
                deferred.add(partition);
                continue;
            }
            if (!ledger.hasRoomFor(partition, record.offset())) {
                // listing one more record settled ahead of the head would overflow the commit: wait for the head
                consumer.seek(partition, record.offset());
                consumer.pause(List.of(partition));
                full.put(partition, record.offset());
                deferred.add(partition);
                log.info("paused {} at {} until its unfinished head settles", partition, record.offset());
                continue;
            }
            if (!ledger.take(partition, record.offset())) {
                log.info("skipped {}: settled by the partition's previous owner", record.coordinates());
                continue;
            }
            unsettled.add(Taken.of(record));
            metrics.jobConsumed();
            switch (intake.read(record)) {
                case RequestIntake.Accepted accepted -> {
                    var spec = accepted.spec();
                    // what the job needs from S3 is read while it waits, off the engine thread
                    var priorResult = priorRuns.lookUp(record, spec.jobId());
                    var initImage = initImages.fetch(spec);
                    batcher.add(new PendingJob(record, spec, priorResult, initImage, tenures.get(partition)), now);
                }
                case RequestIntake.Rejected rejected -> rejections.add(rejected.outcome());
            }
        }
        return rejections;
    }

    /** Publishes the outcomes with the offsets they free, in one transaction; failed ones are tried again. */
    private void settle(List<JobOutcome> reported) {
        for (JobOutcome outcome : reported) {
            if (unsettled.remove(Taken.of(outcome.record()))) {
                ledger.complete(outcome.record().partition(), outcome.record().offset());
                unpublished.add(outcome);
            } else {
                log.info(
                        "dropped the outcome of {}: its partition moved to another worker, which settles it",
                        outcome.record().coordinates());
            }
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = ledger.committable();
        if ((unpublished.isEmpty() && offsets.isEmpty()) || clock.instant().isBefore(publishNotBefore)) {
            return;
        }
        try {
            var settled = publisher.publish(unpublished, offsets, consumer.groupMetadata(), outage.giveUpAt());
            outage.recovered();
            ledger.markCommitted(offsets);
            for (int i = 0; i < settled.size(); i++) {
                count(settled.get(i));
                logDeadLetter(unpublished.get(i), settled.get(i));
            }
            unpublished.clear();
        } catch (JobFailure fatal) {
            outcomes.fatal(fatal);
        } catch (KafkaException e) {
            // the broker is unreachable or the group is rebalancing: nothing of the transaction is visible
            log.warn("publishing {} outcomes failed; trying again: {}", unpublished.size(), e.toString());
            metrics.brokerRetry();
            publishNotBefore = clock.instant().plus(PUBLISH_BACKOFF);
            brokerFailed(e);
        }
    }

    /** Counts a broker failure toward the outage the worker waits out, and stops the worker past it. */
    private void brokerFailed(KafkaException e) {
        try {
            outage.failed(e);
        } catch (JobFailure fatal) {
            outcomes.fatal(fatal);
        }
    }

    private void count(OutcomePublisher.Settled settled) {
        switch (settled.kind()) {
            case SUCCEEDED -> metrics.jobSucceeded();
            case CANCELLED -> metrics.jobCancelled();
            case FAILED -> metrics.jobFailed(settled.code());
            case RETRIED -> metrics.jobRetried();
            case DEAD_LETTERED -> {
                metrics.jobDeadLettered();
                // the failed event that went with it is a failure like any other to those who watch the rate
                if (settled.failedEvent()) {
                    metrics.jobFailed(settled.code());
                }
            }
        }
    }

    /** A dead letter is a request given up on: an operator looks for it in the log first. */
    private static void logDeadLetter(JobOutcome outcome, OutcomePublisher.Settled settled) {
        if (settled.kind() != OutcomePublisher.Settled.Kind.DEAD_LETTERED) {
            return;
        }
        switch (outcome) {
            case JobOutcome.Rejected rejected ->
                log.warn(
                        "dead-lettered {} (job {}): {}",
                        rejected.record().coordinates(),
                        rejected.jobId().orElse("unknown"),
                        rejected.failure().getMessage());
            case JobOutcome.Retry retry ->
                log.warn(
                        "dead-lettered {} (job {}), its retries spent: {}",
                        retry.record().coordinates(),
                        retry.jobId(),
                        retry.failure().getMessage());
            case JobOutcome.Ended ended -> {}
        }
    }

    /** Hands the next due batch to the engine when it can take one. */
    private void dispatch() {
        if (canRun()) {
            batcher.poll(clock.instant()).ifPresent(engine::submit);
        }
    }

    /**
     * Whether the engine is idle and the output stage keeps up: while S3 is away, stored jobs pile up there, and the
     * engine waits rather than compute more of them.
     */
    private boolean canRun() {
        return engine.isIdle() && output.inFlight() < 2 * maxBatchImages;
    }

    /**
     * Pauses fetching while no batch can start and the next one is already waiting; rests retry partitions until
     * their time.
     */
    private void throttle() {
        Instant now = clock.instant();
        resting.values().removeIf(now::isAfter);
        full.entrySet().removeIf(stopped -> ledger.hasRoomFor(stopped.getKey(), stopped.getValue()));
        boolean enough = !canRun() && batcher.waitingImages() >= maxBatchImages;
        Set<TopicPartition> assigned = consumer.assignment();
        Set<TopicPartition> paused = new HashSet<>(enough ? assigned : Set.of());
        paused.addAll(resting.keySet());
        paused.addAll(restoring);
        paused.addAll(full.keySet());
        Set<TopicPartition> running = new HashSet<>(assigned);
        running.removeAll(paused);
        consumer.pause(paused);
        consumer.resume(running);
    }

    /** Stops fetching, lets the running batch finish within the grace period, and settles what finished. */
    private void drain() throws InterruptedException {
        consumer.pause(consumer.assignment());
        Instant deadline = clock.instant().plus(grace);
        stopBy = deadline;
        List<PendingJob> waiting = batcher.removeIf(job -> true);
        waiting.forEach(job -> unsettled.remove(Taken.of(job.record())));
        while ((!engine.isIdle() || output.inFlight() > 0) && clock.instant().isBefore(deadline)) {
            poll(Duration.ZERO);
            settle(outcomes.drain(Duration.ofMillis(100)));
        }
        if (!engine.isIdle() || output.inFlight() > 0) {
            log.warn("shutdown grace of {} ran out; unfinished jobs will be redelivered", grace);
            engine.abandon();
        }
        settle(outcomes.drain());
        log.info("stopped; {} waiting jobs left for redelivery", waiting.size());
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    /** A record's place in its partition. */
    private record Taken(TopicPartition partition, long offset) {
        static Taken of(JobRecord record) {
            return new Taken(record.partition(), record.offset());
        }
    }

    /**
     * Partitions moving between workers. Revoked partitions: their waiting jobs are dropped (the next owner takes
     * them), their running jobs get the grace period to finish and be committed; then they are forgotten, and jobs
     * still running there end their {@link Tenure}: the engine drops them at its next step and nothing more of theirs
     * is stored. Lost partitions (the member was expelled) are forgotten at once: another worker may own them
     * already.
     */
    private final class Rebalance implements ConsumerRebalanceListener {
        /** Pauses the new partitions until {@link #restore} has read their commits; nothing here may block. */
        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            partitions.forEach(partition -> tenures.put(partition, new Tenure(partition)));
            restoring.addAll(partitions);
            consumer.pause(partitions);
            assignedOnce = true;
            updateJoined();
            log.info("assigned {}", partitions);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            if (partitions.isEmpty()) {
                return;
            }
            Set<TopicPartition> revoked = Set.copyOf(partitions);
            batcher.removeIf(job -> revoked.contains(job.record().partition()))
                    .forEach(job -> unsettled.remove(Taken.of(job.record())));
            Instant deadline = min(clock.instant().plus(grace), stopBy);
            try {
                while (runningIn(revoked) && clock.instant().isBefore(deadline)) {
                    settle(outcomes.drain(Duration.ofMillis(100)));
                }
                settle(outcomes.drain());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            forget(revoked);
            log.info("revoked {}", partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            Set<TopicPartition> lost = Set.copyOf(partitions);
            batcher.removeIf(job -> lost.contains(job.record().partition()));
            forget(lost);
            log.warn("lost {}; their jobs are redelivered to other workers", partitions);
        }

        private boolean runningIn(Set<TopicPartition> partitions) {
            return unsettled.stream().anyMatch(taken -> partitions.contains(taken.partition()));
        }

        /** Gives the partitions' running jobs up to their next owner and drops all state of them. */
        private void forget(Set<TopicPartition> partitions) {
            partitions.stream().map(tenures::remove).filter(Objects::nonNull).forEach(Tenure::end);
            ledger.forget(partitions);
            priorRuns.forget(partitions);
            unsettled.removeIf(taken -> partitions.contains(taken.partition()));
            resting.keySet().removeAll(partitions);
            restoring.removeAll(partitions);
            updateJoined();
            full.keySet().removeAll(partitions);
            unpublished.removeIf(outcome -> partitions.contains(outcome.record().partition()));
        }
    }
}
