package io.kiln.worker.batching;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.function.ToIntFunction;

/**
 * Which waiting jobs go first: those of higher priority, then the older ones. A job that has waited
 * {@code starvationLimit} goes before any priority, oldest first, so that a steady stream of urgent jobs delays the
 * others by at most that long (and the batch running when it passes) rather than for ever.
 *
 * @param of a job's priority, higher first
 * @param starvationLimit how long a job may be overtaken; not negative
 */
public record Priority<J>(ToIntFunction<J> of, Duration starvationLimit) {
    public Priority {
        requireNonNull(of, "of");
        requireNonNull(starvationLimit, "starvationLimit");
        if (starvationLimit.isNegative()) {
            throw new IllegalArgumentException("starvationLimit must not be negative, was " + starvationLimit);
        }
    }

    /** Every job equal: they go in the order they arrived. */
    public static <J> Priority<J> none() {
        return new Priority<>(job -> 0, Duration.ZERO);
    }
}
