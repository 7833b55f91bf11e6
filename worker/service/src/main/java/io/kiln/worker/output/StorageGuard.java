package io.kiln.worker.output;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.kiln.contracts.ErrorCode;
import io.kiln.worker.failure.JobFailure;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Runs S3 calls under a {@link StoragePolicy}: a call that fails for a passing cause is tried again after a doubling
 * wait until the policy's time is up, and one circuit breaker, shared by all calls, stops the attempts while S3 is
 * down so a batch's uploads do not all hammer a dead store.
 *
 * <p>A call that meets an open breaker waits, sleeping, for the breaker to let a trial call through; that waiting
 * counts against the same {@code giveUpAfter}. Thread-safe.
 */
final class StorageGuard {
    private static final Logger LOG = LoggerFactory.getLogger(StorageGuard.class);

    private final StoragePolicy policy;
    private final Runnable onRetry;
    private final CircuitBreaker breaker;

    StorageGuard(StoragePolicy policy, Runnable onRetry) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.onRetry = Objects.requireNonNull(onRetry, "onRetry");
        this.breaker = CircuitBreaker.of("s3", breakerConfig(policy));
        breaker.getEventPublisher()
                .onStateTransition(event -> LOG.warn("S3 circuit breaker: {}", event.getStateTransition()));
    }

    private static CircuitBreakerConfig breakerConfig(StoragePolicy policy) {
        return CircuitBreakerConfig.custom()
                // Judges the last 10 calls: a batch's uploads fill it within one round of failures.
                .slidingWindowType(CircuitBreakerConfig.SlidingWindowType.COUNT_BASED)
                .slidingWindowSize(10)
                // No verdict before 5 calls, so one lost connection on a healthy store opens nothing.
                .minimumNumberOfCalls(5)
                // Half the recent calls failing means S3 is down or drowning; more calls only add load.
                .failureRateThreshold(50)
                // Open for initialBackoff, doubling with each failed trial up to maxBackoff: a blip costs little and
                // a long outage is probed once per maxBackoff, the pace a lone caller's retries reach anyway.
                .waitIntervalFunctionInOpenState(
                        IntervalFunction.ofExponentialBackoff(policy.initialBackoff(), 2, policy.maxBackoff()))
                // One trial call probes a half-open breaker; the other callers keep waiting for its outcome.
                .permittedNumberOfCallsInHalfOpenState(1)
                // Only an unreachable or overwhelmed store counts; a 404 or 403 is a store that answered.
                .recordException(StorageFailures::isTransient)
                .build();
    }

    /**
     * Runs {@code call}, retrying it while it fails for a passing cause.
     *
     * @param what the operation and its object for messages, such as {@code "put of s3://b/k"}
     * @return what {@code call} returned
     * @throws SdkException the failure of an attempt that S3 refused for good, such as a 404 or 403, unchanged
     * @throws JobFailure retriable {@link ErrorCode#STORAGE_UNAVAILABLE} when the policy's time ran out, or when the
     *     thread was interrupted (its interrupt flag is then set again)
     */
    <T> T call(String what, Supplier<T> call) {
        long start = System.nanoTime();
        long deadline = start + policy.giveUpAfter().toNanos();
        int attempts = 0;
        int waits = 0;
        SdkException lastFailure = null;
        while (true) {
            if (breaker.tryAcquirePermission()) {
                long began = System.nanoTime();
                try {
                    if (attempts > 0) {
                        onRetry.run();
                    }
                    attempts++;
                    T result = call.get();
                    breaker.onSuccess(System.nanoTime() - began, TimeUnit.NANOSECONDS);
                    return result;
                } catch (SdkException e) {
                    if (StorageFailures.isInterruption(e)
                            || Thread.currentThread().isInterrupted()) {
                        // Stopping says nothing about the store's health.
                        breaker.releasePermission();
                        Thread.currentThread().interrupt();
                        throw interrupted(what, e);
                    }
                    breaker.onError(System.nanoTime() - began, TimeUnit.NANOSECONDS, e);
                    if (!StorageFailures.isTransient(e)) {
                        throw e;
                    }
                    lastFailure = e;
                    LOG.debug("{} failed on attempt {}: {}", what, attempts, StorageFailures.describe(e));
                } catch (RuntimeException | Error e) {
                    breaker.releasePermission();
                    throw e;
                }
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                throw gaveUp(what, attempts, System.nanoTime() - start, lastFailure);
            }
            waits++;
            // while the breaker is open, asking it costs no S3 call: look often, so that callers move on as soon as
            // its trial call finds S3 back, instead of sleeping out their own long backoff
            Duration wait = breaker.getState() == CircuitBreaker.State.CLOSED
                    ? policy.backoffBefore(waits)
                    : policy.initialBackoff();
            sleep(what, Math.min(wait.toNanos(), remaining));
        }
    }

    private static void sleep(String what, long nanos) {
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw interrupted(what, e);
        }
    }

    private JobFailure gaveUp(String what, int attempts, long elapsedNanos, SdkException lastFailure) {
        String why = lastFailure == null
                ? "S3 circuit breaker stayed " + breaker.getState()
                : "last error: " + StorageFailures.describe(lastFailure);
        return JobFailure.retriable(
                ErrorCode.STORAGE_UNAVAILABLE,
                what + " gave up after " + attempts + " attempts in "
                        + Duration.ofNanos(elapsedNanos).toMillis() + " ms (" + why + ")",
                lastFailure);
    }

    private static JobFailure interrupted(String what, Exception cause) {
        return JobFailure.retriable(ErrorCode.STORAGE_UNAVAILABLE, what + " was interrupted", cause);
    }
}
