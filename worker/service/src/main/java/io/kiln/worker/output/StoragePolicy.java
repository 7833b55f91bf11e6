package io.kiln.worker.output;

import java.time.Duration;
import java.util.Objects;

/**
 * How long and how often an {@link ImageStore} retries an S3 call that failed for a passing cause.
 *
 * <p>The waits between attempts double from {@code initialBackoff} up to {@code maxBackoff}. Once
 * {@code giveUpAfter} has passed since the call began, no further attempt starts and the call fails; an attempt
 * under way then still runs to its own timeout.
 *
 * @param initialBackoff the wait after the first failed attempt
 * @param maxBackoff the longest wait between two attempts, and the longest the circuit breaker stays open
 * @param giveUpAfter how long one call may keep retrying before the job is handed back as retriable
 */
public record StoragePolicy(Duration initialBackoff, Duration maxBackoff, Duration giveUpAfter) {

    /**
     * 100 ms doubling to 5 s, for one minute: rides out an S3 restart or a throttling burst, while a longer outage
     * hands the job to the retry topics instead of holding its batch.
     */
    public static final StoragePolicy DEFAULT =
            new StoragePolicy(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMinutes(1));

    public StoragePolicy {
        requirePositive(initialBackoff, "initialBackoff");
        requirePositive(maxBackoff, "maxBackoff");
        requirePositive(giveUpAfter, "giveUpAfter");
        if (maxBackoff.compareTo(initialBackoff) < 0) {
            throw new IllegalArgumentException(
                    "maxBackoff " + maxBackoff + " must not be shorter than initialBackoff " + initialBackoff);
        }
    }

    /** The wait before retry number {@code retry} (1 for the first retry): initialBackoff × 2^(retry-1), capped. */
    public Duration backoffBefore(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries count from 1, was " + retry);
        }
        long initial = initialBackoff.toNanos();
        long max = maxBackoff.toNanos();
        int doublings = Math.min(retry - 1, Long.SIZE - 2);
        return initial > max >> doublings ? maxBackoff : Duration.ofNanos(initial << doublings);
    }

    private static void requirePositive(Duration value, String field) {
        Objects.requireNonNull(value, field);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(field + " must be positive, was " + value);
        }
    }
}
