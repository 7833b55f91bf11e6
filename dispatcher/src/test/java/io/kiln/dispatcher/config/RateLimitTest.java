package io.kiln.dispatcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class RateLimitTest {

    @Test
    void readsRequestsPerSecondMinuteOrHourAndWritesThemBackAlike() {
        assertThat(RateLimit.parse("200/s", "x")).isEqualTo(new RateLimit(200, Duration.ofSeconds(1)));
        assertThat(RateLimit.parse(" 600/min ", "x")).isEqualTo(new RateLimit(600, Duration.ofMinutes(1)));
        assertThat(RateLimit.parse("5000/h", "x")).isEqualTo(new RateLimit(5000, Duration.ofHours(1)));
        assertThat(RateLimit.parse("600/min", "x").toString()).isEqualTo("600/min");
        assertThat(RateLimit.DEFAULT.toString()).isEqualTo("100/s");
    }

    @Test
    void refusesOtherUnitsAndCountsOutOfRangeNamingTheSetting() {
        for (String text : new String[] {"200", "200/sec", "/s", "2.5/s", "-1/s", "200/d", "ten/s"}) {
            assertThatIllegalArgumentException()
                    .as(text)
                    .isThrownBy(() -> RateLimit.parse(text, "KILN_DISPATCHER_RATE_LIMIT"))
                    .withMessage("KILN_DISPATCHER_RATE_LIMIT: a rate is requests per s, min or h, such as 200/s or"
                            + " 600/min; was '" + text + "'");
        }
        assertThatIllegalArgumentException()
                .isThrownBy(() -> RateLimit.parse("0/s", "KILN_DISPATCHER_RATE_LIMIT"))
                .withMessage("KILN_DISPATCHER_RATE_LIMIT: rateLimit.permits: must be from 1 to 1000000, was 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new RateLimit(5, Duration.ofSeconds(2)))
                .withMessageStartingWith("rateLimit.period:");
    }
}
