package io.kiln.dispatcher.intake;

import io.kiln.dispatcher.status.StoredStatus;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The jobs this replica wrote lately, by job id: what bridges the moment between Kafka's acknowledgement and the
 * status topic's record of it reaching this replica's global store (normally milliseconds, longer while the Streams
 * application restarts). An entry is reserved before the write, so two requests for one job id on this replica never
 * both write; its {@link Entry#outcome} completes once Kafka answered.
 *
 * <p>Entries are kept for {@code retention}. Over {@code capacity}, the oldest go first, but never one younger than
 * {@code minimumAge}, which is what the status topic needs to catch up in the normal case: the capacity bounds memory
 * under a burst, and giving way to it must not open the window in which a retried request is written twice.
 */
final class RecentAcceptances {

    /** What Kafka made of a write. */
    sealed interface Outcome {
        /** Kafka holds the job since {@code acceptedAt}. */
        record Acknowledged(Instant acceptedAt) implements Outcome {}

        /**
         * Kafka neither acknowledged nor refused the write in time (a delivery timeout, a lost connection): it may hold
         * the job. Only the status topic can tell, so a retry waits for it (see {@code JobIntake}).
         */
        record InDoubt(Instant since, String reason) implements Outcome {}

        /** Kafka refused the write, or it never left this replica: nothing was stored. */
        record Refused(String reason) implements Outcome {}
    }

    /**
     * One job this replica is writing or wrote.
     *
     * @param outcome completes once Kafka answered
     */
    record Entry(
            String jobId,
            String keyName,
            String requestSha256,
            Instant reservedAt,
            CompletableFuture<Outcome> outcome) {

        boolean sameRequest(String keyName, String requestSha256) {
            return this.keyName.equals(keyName) && this.requestSha256.equals(requestSha256);
        }

        /** The job as queued, once Kafka acknowledged it; empty while the write is pending or if it failed. */
        Optional<StoredStatus> asQueued() {
            if (outcome.getNow(null) instanceof Outcome.Acknowledged acknowledged) {
                return Optional.of(StoredStatus.queued(
                        jobId, new StoredStatus.Acceptance(keyName, requestSha256, acknowledged.acceptedAt())));
            }
            return Optional.empty();
        }
    }

    private final Map<String, Entry> byJobId = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Entry> byAge = new ConcurrentLinkedQueue<>();
    // the queue's own size() walks it
    private final AtomicInteger size = new AtomicInteger();
    private final Duration retention;
    private final Duration minimumAge;
    private final int capacity;
    private final Clock clock;

    RecentAcceptances(Duration retention, Duration minimumAge, int capacity, Clock clock) {
        this.retention = retention;
        this.minimumAge = minimumAge;
        this.capacity = capacity;
        this.clock = clock;
    }

    /**
     * Reserves {@code jobId} for a write by {@code keyName}.
     *
     * @return the new entry, if the id was free; otherwise empty, and {@link #find} gives the earlier request's
     */
    Optional<Entry> reserve(String jobId, String keyName, String requestSha256) {
        expire();
        Entry entry = new Entry(jobId, keyName, requestSha256, clock.instant(), new CompletableFuture<>());
        if (byJobId.putIfAbsent(jobId, entry) != null) {
            return Optional.empty();
        }
        byAge.add(entry);
        size.incrementAndGet();
        return Optional.of(entry);
    }

    /** Releases a reservation that wrote nothing, or whose doubt is settled, so that a retry may write again. */
    void release(Entry entry) {
        byJobId.remove(entry.jobId(), entry);
        if (byAge.remove(entry)) {
            size.decrementAndGet();
        }
    }

    Optional<Entry> find(String jobId) {
        return Optional.ofNullable(byJobId.get(jobId));
    }

    /**
     * Drops the oldest entries while they are older than the retention, or over the capacity and older than the
     * minimum age. A write still waiting for Kafka is never dropped (it ends within the producer's timeouts), so no
     * two requests can both write an id.
     */
    private void expire() {
        Instant now = clock.instant();
        Instant expired = now.minus(retention);
        Instant young = now.minus(minimumAge);
        for (Entry head = byAge.peek(); head != null; head = byAge.peek()) {
            boolean due = head.reservedAt().isBefore(expired)
                    || (size.get() >= capacity && head.reservedAt().isBefore(young));
            if (!due || !head.outcome().isDone()) {
                return;
            }
            if (byAge.remove(head)) {
                size.decrementAndGet();
                byJobId.remove(head.jobId(), head);
            }
        }
    }
}
