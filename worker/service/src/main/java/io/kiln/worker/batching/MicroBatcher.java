package io.kiln.worker.batching;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * Groups waiting jobs into micro-batches of compatible jobs, one batch per GPU pass.
 *
 * <p>Jobs are compatible when they share a key. A key is <em>due</em> when its waiting jobs ask for at least
 * {@code maxBatchImages} images, or when its oldest job has waited {@code maxBatchDelay}. Among due keys, the one
 * whose first job (in {@link Priority} order: the highest priority, then the oldest) goes first; so a rare key is
 * never starved by a busy one that is always full, and a job waiting past the starvation limit goes before any
 * priority.
 *
 * <p>A batch takes a key's jobs in the same order while their images total at most {@code maxBatchImages}; a job
 * asking for more than that goes alone. Jobs are never split or rejected for size. Jobs left behind keep their
 * arrival times.
 *
 * <p>Pure logic with no clock of its own: the owner passes arrival and current instants. Not thread safe; one
 * thread owns an instance.
 *
 * @param <K> the compatibility key, with value equality (for example model, size and scheduler)
 * @param <J> the job
 */
public final class MicroBatcher<K, J> {

    private final int maxBatchImages;
    private final Duration maxBatchDelay;
    private final Function<J, K> key;
    private final ToIntFunction<J> images;
    private final Priority<J> priority;
    private final Map<K, Lane<J>> lanes = new HashMap<>();
    private long nextSequence;

    /**
     * @param maxBatchImages the most images one batch may hold, at least 1
     * @param maxBatchDelay how long a job may wait for company before its batch closes anyway, not negative
     * @param key a job's compatibility key, never null
     * @param images how many images a job asks for, at least 1
     * @param priority which jobs go first
     */
    public MicroBatcher(
            int maxBatchImages,
            Duration maxBatchDelay,
            Function<J, K> key,
            ToIntFunction<J> images,
            Priority<J> priority) {
        if (maxBatchImages < 1) {
            throw new IllegalArgumentException("maxBatchImages must be at least 1, was " + maxBatchImages);
        }
        requireNonNull(maxBatchDelay, "maxBatchDelay");
        if (maxBatchDelay.isNegative()) {
            throw new IllegalArgumentException("maxBatchDelay must not be negative, was " + maxBatchDelay);
        }
        this.maxBatchImages = maxBatchImages;
        this.maxBatchDelay = maxBatchDelay;
        this.key = requireNonNull(key, "key");
        this.images = requireNonNull(images, "images");
        this.priority = requireNonNull(priority, "priority");
    }

    /**
     * Adds a job to wait for its batch. Jobs of one key are batched in the order they are added.
     *
     * @param arrivedAt when the worker took the job; its delay counts from here
     * @throws IllegalArgumentException if the job asks for fewer than one image
     */
    public void add(J job, Instant arrivedAt) {
        requireNonNull(job, "job");
        requireNonNull(arrivedAt, "arrivedAt");
        K jobKey = key.apply(job);
        if (jobKey == null) {
            throw new NullPointerException("key of job " + job + " is null");
        }
        int jobImages = images.applyAsInt(job);
        if (jobImages < 1) {
            throw new IllegalArgumentException("job " + job + " asks for " + jobImages + " images, at least 1 needed");
        }
        lanes.computeIfAbsent(jobKey, unused -> new Lane<>(maxBatchImages, maxBatchDelay))
                .add(new Waiting<>(job, arrivedAt, jobImages, priority.of().applyAsInt(job), nextSequence++));
    }

    /** Removes and returns the next batch that is due at {@code now}; empty if no key is due. */
    public Optional<List<J>> poll(Instant now) {
        requireNonNull(now, "now");
        Comparator<Waiting<?>> ahead = Waiting.ahead(now, priority.starvationLimit());
        Map.Entry<K, Lane<J>> next = null;
        for (Map.Entry<K, Lane<J>> entry : lanes.entrySet()) {
            if (entry.getValue().isDue(now)
                    && (next == null
                            || ahead.compare(
                                            entry.getValue().first(ahead),
                                            next.getValue().first(ahead))
                                    < 0)) {
                next = entry;
            }
        }
        if (next == null) {
            return Optional.empty();
        }
        List<J> batch = next.getValue().takeBatch(ahead);
        if (next.getValue().isEmpty()) {
            lanes.remove(next.getKey());
        }
        return Optional.of(batch);
    }

    /**
     * The earliest instant at which a key is or becomes due: the arrival that filled a full key, otherwise the
     * oldest arrival plus {@code maxBatchDelay}. An instant not after now means {@link #poll} has a batch. Empty
     * when nothing waits.
     */
    public Optional<Instant> nextDeadline() {
        return lanes.values().stream().map(Lane::dueAt).min(Comparator.naturalOrder());
    }

    /** Removes the jobs matching {@code filter}, such as those of revoked partitions, and returns them in add order. */
    public List<J> removeIf(Predicate<? super J> filter) {
        requireNonNull(filter, "filter");
        List<Waiting<J>> removed = new ArrayList<>();
        for (Iterator<Lane<J>> it = lanes.values().iterator(); it.hasNext(); ) {
            Lane<J> lane = it.next();
            removed.addAll(lane.removeIf(filter));
            if (lane.isEmpty()) {
                it.remove();
            }
        }
        return removed.stream()
                .sorted(Comparator.comparingLong(Waiting::sequence))
                .map(Waiting::job)
                .toList();
    }

    /** The images asked for by all waiting jobs, which is what the GPU will have to render. */
    public int waitingImages() {
        return lanes.values().stream().mapToInt(Lane::images).sum();
    }
}
