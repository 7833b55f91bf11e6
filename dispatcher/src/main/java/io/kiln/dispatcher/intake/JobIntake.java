package io.kiln.dispatcher.intake;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.Headers;
import io.kiln.contracts.JobStatus;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.SeedSource;
import io.kiln.dispatcher.status.JobPage;
import io.kiln.dispatcher.status.StatusService;
import io.kiln.dispatcher.status.StatusUnavailableException;
import io.kiln.dispatcher.status.StoredStatus;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;

/**
 * Accepts valid requests: fixes their identity, writes them to the job topic, and answers for them afterwards.
 *
 * <p><b>Idempotency.</b> A request that names a {@code job_id} already accepted is the same job if the same key sent
 * the same request (compared by the SHA-256 of the request before identity was assigned, in {@link JsonCodec}'s
 * form, so whitespace and member order do not matter): it is answered as accepted again and nothing is written.
 * Otherwise it is a conflict. This replica checks its own recent writes ({@link RecentAcceptances}, which also
 * serialize two concurrent requests for one id) and the status store, which holds every replica's accepted jobs.
 *
 * <p><b>Race window between replicas.</b> Two replicas that get the same {@code job_id} within the time the status
 * topic takes to carry one's acceptance to the other (normally milliseconds; longer while a replica's Streams
 * application restarts) can both write it. The status fold keeps the first record's owner and hash, so both clients
 * see one job; workers run the request of whichever record they read first. With identical requests this is
 * harmless; with different ones, one client got a 202 for a request that may not be the one rendered. Closing the
 * window needs one writer per job id (routing by id to a replica, or a transactional check), not built here.
 *
 * <p><b>Bounded waits.</b> The producer gives up after {@code acceptTimeout} for metadata and again for the delivery
 * ({@code ClientProperties.jobProducer}); a job it gave up on is answered {@link Submission.Unavailable}.
 *
 * <p><b>Writes in doubt.</b> A delivery that timed out may still have been stored. Such a job id stays reserved: a
 * retry of it is accepted as soon as the status store shows the job, and written again only once the store has had
 * {@value #IN_DOUBT_SECONDS} s to show it and has not. A write the status topic takes longer than that to record (a
 * Streams application restarting at that moment) can so be written twice; the status keeps the first record.
 */
public final class JobIntake {
    static final int IN_DOUBT_SECONDS = 30;
    private static final Duration IN_DOUBT_HOLD = Duration.ofSeconds(IN_DOUBT_SECONDS);
    // MessageDigest.getInstance looks the algorithm up among the providers on every call, which showed in the API
    // benchmark's profile; a clone of one untouched instance skips the lookup (clones share nothing once made)
    private static final MessageDigest SHA256 = sha256Digest();
    private static final Duration RECENT_RETENTION = Duration.ofMinutes(10);
    private static final int RECENT_CAPACITY = 100_000;
    // the producer's own timeouts end every write; this only guards against a producer that never completes
    private static final Duration WAIT_SLACK = Duration.ofSeconds(2);

    private final Producer<String, byte[]> producer;
    private final String jobsTopic;
    private final Duration acceptTimeout;
    // the producer's wait for metadata, then for the delivery, and a little slack; computed once, since
    // Duration.multipliedBy does BigDecimal arithmetic, which showed in a profile of every POST
    private final long longestWaitMillis;
    private final StatusService status;
    private final SeedSource seeds;
    private final Clock clock;
    private final RecentAcceptances recent;

    public JobIntake(
            Producer<String, byte[]> producer,
            String jobsTopic,
            Duration acceptTimeout,
            StatusService status,
            SeedSource seeds,
            Clock clock) {
        this.producer = producer;
        this.jobsTopic = jobsTopic;
        this.acceptTimeout = acceptTimeout;
        this.longestWaitMillis = acceptTimeout.multipliedBy(2).plus(WAIT_SLACK).toMillis();
        this.status = status;
        this.seeds = seeds;
        this.clock = clock;
        this.recent = new RecentAcceptances(RECENT_RETENTION, IN_DOUBT_HOLD, RECENT_CAPACITY, clock);
    }

    /** Accepts {@code request} for {@code keyName}, or says why not. Blocks until Kafka answered or gave up. */
    public Submission submit(GenerationRequest request, String keyName) throws InterruptedException {
        String requestSha256 = sha256(JsonCodec.write(request));
        if (request.jobId() != null) {
            Optional<Submission> earlier;
            try {
                earlier = earlierSubmission(request.jobId(), keyName, requestSha256);
            } catch (StatusUnavailableException e) {
                return new Submission.Unavailable(
                        "cannot check whether job_id " + request.jobId() + " was accepted before: " + e.getMessage()
                                + "; retry later",
                        null);
            }
            if (earlier.isPresent()) {
                return earlier.get();
            }
        }
        GenerationRequest job = request.withAssignedIdentity(seeds);
        Optional<RecentAcceptances.Entry> reserved = recent.reserve(job.jobId(), keyName, requestSha256);
        if (reserved.isEmpty()) {
            // another request for this id reserved it on this replica since the check above
            Optional<RecentAcceptances.Entry> earlier = recent.find(job.jobId());
            try {
                return earlier.isPresent()
                        ? sameAs(earlier.get(), keyName, requestSha256).orElseGet(() -> busy(job.jobId()))
                        : busy(job.jobId());
            } catch (StatusUnavailableException e) {
                return busy(job.jobId());
            }
        }
        return write(job, reserved.get());
    }

    /**
     * The status of {@code jobId} as {@code keyName} may see it: empty if the job was never accepted or is another
     * key's. A write of this replica still waiting for Kafka is waited for, so that a cancel sent while its job's
     * submission is under way finds the job.
     *
     * @throws StatusUnavailableException if the status store cannot answer and this replica did not write the job
     */
    public Optional<StoredStatus> find(String jobId, String keyName)
            throws StatusUnavailableException, InterruptedException {
        Optional<RecentAcceptances.Entry> mine = recent.find(jobId);
        if (mine.isPresent()) {
            outcome(mine.get());
        }
        Optional<StoredStatus> recentlyWritten = mine.flatMap(RecentAcceptances.Entry::asQueued);
        Optional<StoredStatus> stored;
        try {
            stored = accepted(jobId);
        } catch (StatusUnavailableException e) {
            if (recentlyWritten.isEmpty()) {
                throw e;
            }
            stored = Optional.empty();
        }
        return stored.or(() -> recentlyWritten).filter(job -> job.isOwnedBy(keyName));
    }

    /**
     * A page of {@code keyName}'s jobs, newest first, from the status store ({@link StatusService#list}). A job this
     * replica accepted a moment ago may be missing until the status topic has carried it back, within milliseconds.
     */
    public JobPage list(String keyName, JobStatus.Status state, int limit, String after)
            throws StatusUnavailableException {
        return status.list(keyName, state, limit, after);
    }

    /**
     * The stored status of {@code jobId} once its job record has been folded. Before that the store may hold the
     * job's first events, which say nothing of who submitted it.
     */
    private Optional<StoredStatus> accepted(String jobId) throws StatusUnavailableException {
        return status.find(jobId).filter(stored -> stored.acceptance() != null);
    }

    private Optional<Submission> earlierSubmission(String jobId, String keyName, String requestSha256)
            throws StatusUnavailableException, InterruptedException {
        Optional<RecentAcceptances.Entry> mine = recent.find(jobId);
        if (mine.isPresent()) {
            return sameAs(mine.get(), keyName, requestSha256);
        }
        return accepted(jobId).map(stored -> answerFor(stored, keyName, requestSha256));
    }

    private static Submission answerFor(StoredStatus stored, String keyName, String requestSha256) {
        return stored.isOwnedBy(keyName)
                        && requestSha256.equals(stored.acceptance().requestSha256())
                ? new Submission.Accepted(stored.jobId(), stored.acceptance().acceptedAt(), true)
                : new Submission.Conflict(stored.jobId());
    }

    /**
     * The answer for a request whose job id this replica reserved before: the earlier answer, or a conflict; empty
     * when the earlier write is settled as not stored, so this request may write.
     */
    private Optional<Submission> sameAs(RecentAcceptances.Entry earlier, String keyName, String requestSha256)
            throws InterruptedException, StatusUnavailableException {
        if (!earlier.sameRequest(keyName, requestSha256)) {
            return Optional.of(new Submission.Conflict(earlier.jobId()));
        }
        return switch (outcome(earlier)) {
            case null -> Optional.of(busy(earlier.jobId()));
            case RecentAcceptances.Outcome.Acknowledged acknowledged ->
                Optional.of(new Submission.Accepted(earlier.jobId(), acknowledged.acceptedAt(), true));
            case RecentAcceptances.Outcome.Refused refused -> Optional.empty();
            case RecentAcceptances.Outcome.InDoubt inDoubt -> settle(earlier, inDoubt, keyName, requestSha256);
        };
    }

    /** Decides on a write in doubt from the status store: accepted if it shows the job, else written anew in time. */
    private Optional<Submission> settle(
            RecentAcceptances.Entry earlier,
            RecentAcceptances.Outcome.InDoubt inDoubt,
            String keyName,
            String requestSha256)
            throws StatusUnavailableException {
        Optional<StoredStatus> stored = accepted(earlier.jobId());
        if (stored.isPresent()) {
            return Optional.of(answerFor(stored.get(), keyName, requestSha256));
        }
        Instant settledAt = inDoubt.since().plus(IN_DOUBT_HOLD);
        if (clock.instant().isBefore(settledAt)) {
            return Optional.of(new Submission.Unavailable(
                    "Kafka did not acknowledge the earlier submission of job_id " + earlier.jobId() + " ("
                            + inDoubt.reason() + ") and may still hold it; retry the same request after "
                            + settledAt,
                    earlier.jobId()));
        }
        recent.release(earlier);
        return Optional.empty();
    }

    /** What Kafka made of {@code entry}'s write, waiting for it; null if it is still pending after the longest wait. */
    private RecentAcceptances.Outcome outcome(RecentAcceptances.Entry entry) throws InterruptedException {
        try {
            return entry.outcome().get(longestWaitMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            return null;
        } catch (ExecutionException e) {
            throw new IllegalStateException("an outcome never completes exceptionally", e);
        }
    }

    private static Submission busy(String jobId) {
        return new Submission.Unavailable(
                "job_id " + jobId + " is being written by another request; retry the same request", jobId);
    }

    private Submission write(GenerationRequest job, RecentAcceptances.Entry entry) throws InterruptedException {
        Instant now = clock.instant();
        var record = new ProducerRecord<>(jobsTopic, null, now.toEpochMilli(), job.jobId(), JsonCodec.write(job));
        record.headers()
                .add(Headers.JOB_ID, job.jobId().getBytes(StandardCharsets.UTF_8))
                .add(Headers.API_KEY_NAME, entry.keyName().getBytes(StandardCharsets.UTF_8))
                .add(Headers.REQUEST_SHA256, entry.requestSha256().getBytes(StandardCharsets.UTF_8));
        try {
            producer.send(record, (written, exception) -> settle(entry, written, exception));
        } catch (RuntimeException | Error e) {
            // send() itself failed (a closed producer, a bug): the record never left this replica
            settle(entry, null, e);
            if (!(e instanceof KafkaException || e instanceof IllegalStateException)) {
                throw e;
            }
        }
        return switch (outcome(entry)) {
            case RecentAcceptances.Outcome.Acknowledged acknowledged ->
                new Submission.Accepted(job.jobId(), acknowledged.acceptedAt(), false);
            case RecentAcceptances.Outcome.Refused refused ->
                new Submission.Unavailable(
                        "Kafka did not take the job (" + refused.reason() + "); it was not accepted; retry later",
                        null);
            case RecentAcceptances.Outcome.InDoubt inDoubt ->
                new Submission.Unavailable(
                        "Kafka did not acknowledge the job within " + acceptTimeout.toSeconds() + " s ("
                                + inDoubt.reason() + ") and may still hold it; retry the same request with job_id "
                                + job.jobId(),
                        job.jobId());
            case null ->
                new Submission.Unavailable(
                        "Kafka did not answer within " + longestWaitMillis / 1000 + " s; retry the same request with"
                                + " job_id " + job.jobId(),
                        job.jobId());
        };
    }

    /** Records Kafka's answer to {@code entry}'s write: where it was stored, or why not. */
    private void settle(RecentAcceptances.Entry entry, RecordMetadata written, Throwable exception) {
        if (exception == null) {
            entry.outcome()
                    .complete(new RecentAcceptances.Outcome.Acknowledged(Instant.ofEpochMilli(written.timestamp())));
            return;
        }
        String reason = exception.getClass().getSimpleName();
        if (exception instanceof org.apache.kafka.common.errors.TimeoutException
                && written != null
                && written.partition() >= 0) {
            // the record had a partition, so it joined a batch, which may have expired in flight after the broker
            // appended it; a record that never got one (no metadata within max.block.ms) was never sent
            entry.outcome().complete(new RecentAcceptances.Outcome.InDoubt(clock.instant(), reason));
            return;
        }
        recent.release(entry);
        entry.outcome().complete(new RecentAcceptances.Outcome.Refused(reason));
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(((MessageDigest) SHA256.clone()).digest(bytes));
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
