package io.kiln.client;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How often and how long the client tries a call the dispatcher could not take: a {@code 503} (Kafka or the status
 * store not ready), a {@code 429}, or a connection that failed. Between tries it waits an exponential backoff with
 * jitter, or longer where the server's {@code Retry-After} asks for it. It gives up when {@code maxAttempts} tries
 * failed, or when the next wait would end after {@code giveUpAfter} from the first try.
 *
 * <p>Retrying a submission is safe: the client fixes the job's {@code job_id} before the first try, so the
 * dispatcher recognizes a repeat instead of writing a second job (docs/DISPATCHER.md, "Idempotency").
 *
 * @param maxAttempts tries in all, the first included; 1 turns retrying off
 * @param initialBackoff the wait after the first failed try, before jitter
 * @param maxBackoff the longest wait the backoff grows to, before jitter
 * @param giveUpAfter the budget of one call, from its first try to the start of its last
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff, Duration giveUpAfter) {

    /** Six tries over at most a minute, waiting 0.2 s, 0.4 s, … up to 5 s between them. */
    public static final RetryPolicy DEFAULT =
            new RetryPolicy(6, Duration.ofMillis(200), Duration.ofSeconds(5), Duration.ofMinutes(1));

    public RetryPolicy {
        Objects.requireNonNull(initialBackoff, "initialBackoff");
        Objects.requireNonNull(maxBackoff, "maxBackoff");
        Objects.requireNonNull(giveUpAfter, "giveUpAfter");
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1, got " + maxAttempts);
        }
        if (!initialBackoff.isPositive()) {
            throw new IllegalArgumentException("initialBackoff must be positive, got " + initialBackoff);
        }
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxBackoff (" + maxBackoff + ") must be at least initialBackoff (" + initialBackoff + ")");
        }
        if (!giveUpAfter.isPositive()) {
            throw new IllegalArgumentException("giveUpAfter must be positive, got " + giveUpAfter);
        }
    }

    /** One try, no retry: every failure reaches the caller at once. */
    public static RetryPolicy none() {
        return new RetryPolicy(1, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1));
    }

    /**
     * The wait after {@code failedAttempts} tries failed ("equal jitter"): with b = min(maxBackoff, initialBackoff ·
     * 2^(failedAttempts − 1)), a uniform draw from [b/2, b]. Half of it is certain, so tries never bunch up at zero;
     * the other half spreads clients that failed together.
     *
     * @param failedAttempts tries made so far, at least 1
     */
    public Duration backoff(int failedAttempts, RandomGenerator random) {
        if (failedAttempts < 1) {
            throw new IllegalArgumentException("failedAttempts must be at least 1, got " + failedAttempts);
        }
        long initial = initialBackoff.toNanos();
        long max = maxBackoff.toNanos();
        // doubling stops at the ceiling, so a long series of tries cannot overflow
        long ceiling = initial;
        for (int i = 1; i < failedAttempts && ceiling < max; i++) {
            ceiling = ceiling > max / 2 ? max : ceiling * 2;
        }
        ceiling = Math.min(ceiling, max);
        long half = ceiling / 2;
        return Duration.ofNanos(half + random.nextLong(ceiling - half + 1));
    }

    /**
     * The wait before the next try: the jittered {@link #backoff}, or the server's {@code Retry-After} where that is
     * longer, since it asked not to be called earlier.
     */
    public Duration backoff(int failedAttempts, Duration retryAfter, RandomGenerator random) {
        Duration own = backoff(failedAttempts, random);
        return retryAfter != null && retryAfter.compareTo(own) > 0 ? retryAfter : own;
    }
}
