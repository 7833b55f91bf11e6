package io.kiln.dispatcher.intake;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.Headers;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.SeedSource;
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
 * ({@code ClientProperties.jobProducer}); a job it gave up on is answered {@link Submission.Unavailable}. Kafka may in
 * rare cases have stored a write whose acknowledgement was lost, so clients that retry should send their own
 * {@code job_id}: the retry is then recognized rather than written twice.
 */
public final class JobIntake {
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
        this.recent = new RecentAcceptances(RECENT_RETENTION, RECENT_CAPACITY, clock);
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
                        "cannot check whether job_id " + request.jobId() + " was accepted before: " + e.getMessage());
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
            return earlier.isPresent()
                    ? sameAs(earlier.get(), keyName, requestSha256)
                    : new Submission.Unavailable("job_id " + job.jobId() + " is being written by another request");
        }
        return write(job, reserved.get());
    }

    /**
     * The status of {@code jobId} as {@code keyName} may see it: empty if the job was never accepted or is another
     * key's.
     *
     * @throws StatusUnavailableException if the status store cannot answer and this replica did not write the job
     */
    public Optional<StoredStatus> find(String jobId, String keyName) throws StatusUnavailableException {
        Optional<StoredStatus> recentlyWritten = recent.find(jobId).flatMap(RecentAcceptances.Entry::asQueued);
        Optional<StoredStatus> stored;
        try {
            stored = status.find(jobId);
        } catch (StatusUnavailableException e) {
            if (recentlyWritten.isEmpty()) {
                throw e;
            }
            stored = Optional.empty();
        }
        return stored.or(() -> recentlyWritten).filter(job -> job.isOwnedBy(keyName));
    }

    private Optional<Submission> earlierSubmission(String jobId, String keyName, String requestSha256)
            throws StatusUnavailableException, InterruptedException {
        Optional<RecentAcceptances.Entry> mine = recent.find(jobId);
        if (mine.isPresent()) {
            return Optional.of(sameAs(mine.get(), keyName, requestSha256));
        }
        return status.find(jobId)
                .map(stored -> stored.isOwnedBy(keyName) && requestSha256.equals(stored.requestSha256())
                        ? new Submission.Accepted(jobId, stored.acceptedAt(), true)
                        : new Submission.Conflict(jobId));
    }

    /** The answer for a request whose job id this replica already reserved: the earlier answer, or a conflict. */
    private Submission sameAs(RecentAcceptances.Entry earlier, String keyName, String requestSha256)
            throws InterruptedException {
        if (!earlier.sameRequest(keyName, requestSha256)) {
            return new Submission.Conflict(earlier.jobId());
        }
        try {
            Instant acceptedAt = earlier.accepted().get(longestWaitMillis, TimeUnit.MILLISECONDS);
            return new Submission.Accepted(earlier.jobId(), acceptedAt, true);
        } catch (ExecutionException | TimeoutException e) {
            return new Submission.Unavailable("Kafka did not acknowledge the earlier submission of this job_id");
        }
    }

    private Submission write(GenerationRequest job, RecentAcceptances.Entry entry) throws InterruptedException {
        try {
            return send(job, entry);
        } catch (RuntimeException | Error unexpected) {
            // a closed producer, a bug: the entry must not stay pending, or every retry of this id would wait on it
            recent.release(entry);
            entry.accepted().completeExceptionally(unexpected);
            throw unexpected;
        }
    }

    private Submission send(GenerationRequest job, RecentAcceptances.Entry entry) throws InterruptedException {
        Instant now = clock.instant();
        var record = new ProducerRecord<>(jobsTopic, null, now.toEpochMilli(), job.jobId(), JsonCodec.write(job));
        record.headers()
                .add(Headers.JOB_ID, job.jobId().getBytes(StandardCharsets.UTF_8))
                .add(Headers.API_KEY_NAME, entry.keyName().getBytes(StandardCharsets.UTF_8))
                .add(Headers.REQUEST_SHA256, entry.requestSha256().getBytes(StandardCharsets.UTF_8));
        try {
            RecordMetadata written = producer.send(record).get(longestWaitMillis, TimeUnit.MILLISECONDS);
            Instant acceptedAt = Instant.ofEpochMilli(written.timestamp());
            entry.accepted().complete(acceptedAt);
            return new Submission.Accepted(job.jobId(), acceptedAt, false);
        } catch (ExecutionException | TimeoutException | KafkaException e) {
            recent.release(entry);
            entry.accepted().completeExceptionally(e);
            Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
            return new Submission.Unavailable("Kafka did not acknowledge the job within "
                    + acceptTimeout.toSeconds() + " s (" + cause.getClass().getSimpleName()
                    + "); it was not accepted");
        } catch (InterruptedException e) {
            recent.release(entry);
            entry.accepted().completeExceptionally(e);
            throw e;
        }
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
