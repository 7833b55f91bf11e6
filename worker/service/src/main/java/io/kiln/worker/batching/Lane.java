package io.kiln.worker.batching;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;

/**
 * The jobs of one key that wait for a batch, kept oldest first (the lane's delay runs from its oldest job) and taken
 * in the order the batcher gives. Never empty while its batcher holds it.
 */
final class Lane<J> {

    private final int maxBatchImages;
    private final Duration maxBatchDelay;
    private final ArrayDeque<Waiting<J>> jobs = new ArrayDeque<>();
    private int images;

    Lane(int maxBatchImages, Duration maxBatchDelay) {
        this.maxBatchImages = maxBatchImages;
        this.maxBatchDelay = maxBatchDelay;
    }

    void add(Waiting<J> job) {
        Waiting<J> newest = jobs.peekLast();
        // A wall clock can step backwards; the lane's deadline is read from its head, so arrival times must not
        // decrease along the lane or a later job could be older than the head and overstay its delay.
        if (newest != null && job.arrivedAt().isBefore(newest.arrivedAt())) {
            job = new Waiting<>(job.job(), newest.arrivedAt(), job.images(), job.priority(), job.sequence());
        }
        jobs.addLast(job);
        images += job.images();
    }

    Waiting<J> oldest() {
        return jobs.getFirst();
    }

    /** The job that goes first in {@code order}. */
    Waiting<J> first(Comparator<Waiting<?>> order) {
        return jobs.stream().min(order).orElseThrow();
    }

    int images() {
        return images;
    }

    boolean isEmpty() {
        return jobs.isEmpty();
    }

    boolean isDue(Instant now) {
        return images >= maxBatchImages || !now.isBefore(expiry());
    }

    /** When the lane became or becomes due: the arrival that filled it, or its oldest arrival plus the delay. */
    Instant dueAt() {
        Instant expiry = expiry();
        int filled = 0;
        for (Waiting<J> job : jobs) {
            filled += job.images();
            if (filled >= maxBatchImages) {
                return job.arrivedAt().isBefore(expiry) ? job.arrivedAt() : expiry;
            }
        }
        return expiry;
    }

    /**
     * Removes the longest run of jobs, in {@code order}, whose images fit in one batch; the first alone when it is
     * oversize.
     */
    List<J> takeBatch(Comparator<Waiting<?>> order) {
        List<Waiting<J>> inOrder = jobs.stream().sorted(order).toList();
        List<J> batch = new ArrayList<>();
        int taken = 0;
        for (Waiting<J> next : inOrder) {
            if (!batch.isEmpty() && taken + next.images() > maxBatchImages) {
                break;
            }
            jobs.remove(next);
            batch.add(next.job());
            taken += next.images();
        }
        images -= taken;
        return List.copyOf(batch);
    }

    List<Waiting<J>> removeIf(Predicate<? super J> filter) {
        List<Waiting<J>> removed = new ArrayList<>();
        for (Iterator<Waiting<J>> it = jobs.iterator(); it.hasNext(); ) {
            Waiting<J> job = it.next();
            if (filter.test(job.job())) {
                it.remove();
                images -= job.images();
                removed.add(job);
            }
        }
        return removed;
    }

    private Instant expiry() {
        return oldest().arrivedAt().plus(maxBatchDelay);
    }
}
