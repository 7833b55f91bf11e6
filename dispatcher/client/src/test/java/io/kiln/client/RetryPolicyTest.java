package io.kiln.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {
    private final RetryPolicy policy =
            new RetryPolicy(10, Duration.ofMillis(100), Duration.ofSeconds(2), Duration.ofMinutes(1));

    @Test
    void backoffDoublesFromTheInitialWaitWithinHalfToAllOfItsCeiling() {
        var random = new SplittableRandom(7);
        long[] ceilingsMillis = {100, 200, 400, 800, 1600, 2000, 2000, 2000};
        for (int attempt = 1; attempt <= ceilingsMillis.length; attempt++) {
            Duration ceiling = Duration.ofMillis(ceilingsMillis[attempt - 1]);
            for (int draw = 0; draw < 200; draw++) {
                assertThat(policy.backoff(attempt, random))
                        .as("after %d failed attempts", attempt)
                        .isBetween(ceiling.dividedBy(2), ceiling);
            }
        }
    }

    @Test
    void backoffIsJitteredNotFixed() {
        var random = new SplittableRandom(11);
        var draws = new java.util.HashSet<Duration>();
        for (int i = 0; i < 50; i++) {
            draws.add(policy.backoff(3, random));
        }
        assertThat(draws).hasSizeGreaterThan(10);
    }

    @Test
    void backoffStaysAtTheCeilingAfterManyAttempts() {
        var random = new SplittableRandom(3);
        assertThat(policy.backoff(Integer.MAX_VALUE, random)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        // a ceiling near the largest Duration in nanoseconds: doubling towards it must not overflow
        var huge = new RetryPolicy(100, Duration.ofDays(1), Duration.ofDays(36_500), Duration.ofDays(1));
        assertThat(huge.backoff(90, random)).isBetween(Duration.ofDays(18_250), Duration.ofDays(36_500));
    }

    @Test
    void retryAfterLongerThanTheBackoffWinsAndAShorterOneDoesNot() {
        var random = new SplittableRandom(5);
        assertThat(policy.backoff(1, Duration.ofSeconds(3), random)).isEqualTo(Duration.ofSeconds(3));
        assertThat(policy.backoff(1, Duration.ofMillis(1), random))
                .isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
        assertThat(policy.backoff(1, null, random)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
    }

    @Test
    void invalidPoliciesNameTheirField() {
        assertThatThrownBy(() -> new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofSeconds(1)))
                .hasMessageContaining("maxAttempts");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ZERO, Duration.ofMillis(1), Duration.ofSeconds(1)))
                .hasMessageContaining("initialBackoff");
        assertThatThrownBy(
                        () -> new RetryPolicy(3, Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1)))
                .hasMessageContaining("maxBackoff");
        assertThatThrownBy(() -> new RetryPolicy(3, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO))
                .hasMessageContaining("giveUpAfter");
        assertThatThrownBy(() -> policy.backoff(0, new SplittableRandom())).hasMessageContaining("failedAttempts");
        assertThat(RetryPolicy.none().maxAttempts()).isEqualTo(1);
    }
}
