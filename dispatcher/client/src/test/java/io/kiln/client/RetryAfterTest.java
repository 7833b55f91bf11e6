package io.kiln.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {
    private static final Instant NOW = Instant.parse("2026-10-21T07:28:00Z");

    @Test
    void delaySecondsAreReadAsSeconds() {
        assertThat(RetryAfter.parse("120", NOW)).contains(Duration.ofSeconds(120));
        assertThat(RetryAfter.parse(" 0 ", NOW)).contains(Duration.ZERO);
    }

    @Test
    void anHttpDateIsTheTimeUntilThen() {
        assertThat(RetryAfter.parse("Wed, 21 Oct 2026 07:28:30 GMT", NOW)).contains(Duration.ofSeconds(30));
        assertThat(RetryAfter.parse("Wed, 21 Oct 2026 07:00:00 GMT", NOW)).contains(Duration.ZERO);
    }

    @Test
    void absurdDelaysAreCappedAtADay() {
        assertThat(RetryAfter.parse("999999999999999999999", NOW)).contains(Duration.ofDays(1));
        assertThat(RetryAfter.parse("172800", NOW)).contains(Duration.ofDays(1));
    }

    @Test
    void anythingElseIsIgnored() {
        assertThat(RetryAfter.parse(null, NOW)).isEmpty();
        assertThat(RetryAfter.parse("", NOW)).isEmpty();
        assertThat(RetryAfter.parse("-5", NOW)).isEmpty();
        assertThat(RetryAfter.parse("1.5", NOW)).isEmpty();
        assertThat(RetryAfter.parse("soon", NOW)).isEmpty();
    }
}
