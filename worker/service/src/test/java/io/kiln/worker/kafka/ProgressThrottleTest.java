package io.kiln.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ProgressThrottleTest {
    private static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");

    private final ProgressThrottle throttle = new ProgressThrottle(Duration.ofSeconds(1));

    @Test
    void sendsAtMostOnePerSecondPerJob() {
        assertThat(throttle.admit("a", 1, 50, T0)).isTrue();
        assertThat(throttle.admit("a", 2, 50, T0.plusMillis(400))).isFalse();
        assertThat(throttle.admit("b", 1, 50, T0.plusMillis(400)))
                .as("another job")
                .isTrue();
        assertThat(throttle.admit("a", 3, 50, T0.plusMillis(999))).isFalse();
        assertThat(throttle.admit("a", 4, 50, T0.plusMillis(1000))).isTrue();
    }

    @Test
    void alwaysSendsTheLastStep() {
        assertThat(throttle.admit("a", 9, 10, T0)).isTrue();
        assertThat(throttle.admit("a", 10, 10, T0.plusMillis(1))).isTrue();
    }

    @Test
    void aJobRunAgainStartsFresh() {
        throttle.admit("a", 10, 10, T0);
        assertThat(throttle.admit("a", 1, 10, T0.plusMillis(5)))
                .as("after the last step")
                .isTrue();

        throttle.forget("a");
        assertThat(throttle.admit("a", 1, 10, T0.plusMillis(6)))
                .as("after forget")
                .isTrue();
    }
}
