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
 * both write; it holds a future that completes with the acceptance time once Kafka acknowledged.
 *
 * <p>Entries are kept for {@code retention} and at most {@code capacity} of them (oldest dropped first): long enough
 * for the global store to catch up, bounded so a burst cannot grow memory without end.
 */
final class RecentAcceptances {
    /**
     * One job this replica is writing or wrote.
     *
     * @param accepted completes with the time Kafka took the job, or exceptionally if it did not
     */
    record Entry(
            String jobId,
            String keyName,
            String requestSha256,
            Instant reservedAt,
            CompletableFuture<Instant> accepted) {

        boolean sameRequest(String keyName, String requestSha256) {
            return this.keyName.equals(keyName) && this.requestSha256.equals(requestSha256);
        }

        /** The job as queued, once Kafka acknowledged it; empty while the write is pending or if it failed. */
        Optional<StoredStatus> asQueued() {
            if (!accepted.isDone() || accepted.isCompletedExceptionally()) {
                return Optional.empty();
            }
            return Optional.of(StoredStatus.queued(jobId, keyName, requestSha256, accepted.join()));
        }
    }

    private final Map<String, Entry> byJobId = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Entry> byAge = new ConcurrentLinkedQueue<>();
    // the queue's own size() walks it
    private final AtomicInteger size = new AtomicInteger();
    private final Duration retention;
    private final int capacity;
    private final Clock clock;

    RecentAcceptances(Duration retention, int capacity, Clock clock) {
        this.retention = retention;
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

    /** Releases a reservation whose write failed, so that a retry may write again. */
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
     * Drops the oldest entries while they are older than the retention or over the capacity. A write still waiting
     * for Kafka is never dropped (it ends within the producer's timeouts), so no two requests can both write an id.
     */
    private void expire() {
        Instant oldest = clock.instant().minus(retention);
        for (Entry head = byAge.peek(); head != null; head = byAge.peek()) {
            boolean due = head.reservedAt().isBefore(oldest) || size.get() >= capacity;
            if (!due || !head.accepted().isDone()) {
                return;
            }
            if (byAge.remove(head)) {
                size.decrementAndGet();
                byJobId.remove(head.jobId(), head);
            }
        }
    }
}
