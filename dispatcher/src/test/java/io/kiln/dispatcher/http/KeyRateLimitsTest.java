package io.kiln.dispatcher.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.dispatcher.config.ApiKey;
import io.kiln.dispatcher.config.RateLimit;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyRateLimitsTest {
    private final KeyRateLimits limits = new KeyRateLimits(List.of(
            new ApiKey("ana", "a".repeat(64), new RateLimit(3, Duration.ofHours(1))),
            new ApiKey("bo", "b".repeat(64), new RateLimit(1, Duration.ofHours(1)))));

    @Test
    void aKeyGetsItsPermitsThenIsToldHowLongUntilTheNextWithoutTouchingAnotherKeys() {
        assertThat(limits.take("ana")).isEmpty();
        assertThat(limits.take("ana")).isEmpty();
        assertThat(limits.take("ana")).isEmpty();

        // the hour's window began when the limiter was made, a moment ago
        assertThat(limits.take("ana")).hasValueSatisfying(wait -> assertThat(wait)
                .isGreaterThan(Duration.ofMinutes(59))
                .isLessThanOrEqualTo(Duration.ofHours(1)));
        assertThat(limits.take("bo")).isEmpty();
        assertThat(limits.take("bo")).isPresent();
        assertThat(limits.limitOf("ana")).isEqualTo(new RateLimit(3, Duration.ofHours(1)));
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        assertThat(KeyGate.retryAfterSeconds(Duration.ofNanos(1))).isEqualTo(1);
        assertThat(KeyGate.retryAfterSeconds(Duration.ofMillis(999))).isEqualTo(1);
        assertThat(KeyGate.retryAfterSeconds(Duration.ofSeconds(1))).isEqualTo(1);
        assertThat(KeyGate.retryAfterSeconds(Duration.ofMillis(1001))).isEqualTo(2);
        assertThat(KeyGate.retryAfterSeconds(Duration.ofMinutes(59).plusMillis(1)))
                .isEqualTo(3541);
    }
}
