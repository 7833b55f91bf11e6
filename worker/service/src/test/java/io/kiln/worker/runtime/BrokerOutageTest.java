package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.worker.failure.FailureKind;
import io.kiln.worker.failure.JobFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.apache.kafka.common.errors.TimeoutException;
import org.junit.jupiter.api.Test;

class BrokerOutageTest {
    private static final Instant START = Instant.parse("2026-05-01T12:00:00Z");
    private static final TimeoutException TIMED_OUT = new TimeoutException("no answer");

    private Instant now = START;
    private final BrokerOutage outage = new BrokerOutage(Duration.ofMinutes(1), new Clock() {
        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            throw new UnsupportedOperationException();
        }
    });

    @Test
    void waitsOutFailuresForTheBoundCountedFromTheFirstOne() {
        outage.failed(TIMED_OUT);
        now = START.plusSeconds(59);
        outage.failed(TIMED_OUT);
        assertThat(outage.giveUpAt()).isEqualTo(START.plusSeconds(60));

        now = START.plusSeconds(60);
        assertThatThrownBy(() -> outage.failed(TIMED_OUT))
                .isInstanceOfSatisfying(
                        JobFailure.class, f -> assertThat(f.kind()).isEqualTo(FailureKind.FATAL))
                .hasMessageContaining("for 60 s, longer than retry.broker-give-up-after (PT1M)")
                .hasMessageContaining("no answer");
    }

    @Test
    void anAnswerEndsTheOutage() {
        outage.failed(TIMED_OUT);
        now = START.plusSeconds(50);
        outage.recovered();
        now = START.plusSeconds(70);

        outage.failed(TIMED_OUT);

        assertThat(outage.giveUpAt()).isEqualTo(START.plusSeconds(130));
    }
}
