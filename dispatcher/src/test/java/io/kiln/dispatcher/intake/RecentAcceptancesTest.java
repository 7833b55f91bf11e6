package io.kiln.dispatcher.intake;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RecentAcceptancesTest {
    private static final String HASH = "a".repeat(64);
    private static final Instant T0 = Instant.parse("2026-05-01T12:00:00Z");

    /** A clock the test moves. */
    private static final class Hands extends Clock {
        private Instant now = T0;

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final Hands clock = new Hands();
    private final RecentAcceptances recent = new RecentAcceptances(Duration.ofMinutes(10), 2, clock);

    @Test
    void aJobIdIsReservedOnceAndReadsQueuedOnlyOnceAcknowledged() {
        var entry = recent.reserve("j1", "ana", HASH).orElseThrow();
        assertThat(recent.reserve("j1", "ana", HASH)).isEmpty();
        assertThat(entry.asQueued()).isEmpty();

        entry.accepted().complete(T0);
        assertThat(recent.find("j1").orElseThrow().asQueued().orElseThrow().acceptedAt())
                .isEqualTo(T0);
    }

    @Test
    void aReleasedReservationFreesTheJobId() {
        var entry = recent.reserve("j1", "ana", HASH).orElseThrow();
        recent.release(entry);
        assertThat(recent.find("j1")).isEmpty();
        assertThat(recent.reserve("j1", "ana", HASH)).isPresent();
    }

    @Test
    void entriesExpireAfterTheRetentionOrOverCapacityButNeverWhilePending() {
        recent.reserve("old", "ana", HASH).orElseThrow().accepted().complete(T0);
        clock.now = T0.plus(Duration.ofMinutes(11));
        recent.reserve("new", "ana", HASH).orElseThrow();
        assertThat(recent.find("old")).isEmpty();

        recent.reserve("newer", "ana", HASH).orElseThrow().accepted().complete(T0);
        recent.reserve("newest", "ana", HASH).orElseThrow().accepted().complete(T0);
        recent.reserve("fourth", "ana", HASH).orElseThrow();
        // over capacity, but "new", the oldest, still waits for Kafka: kept, and what came after it too
        assertThat(recent.find("new")).isPresent();
        assertThat(recent.find("newer")).isPresent();

        recent.find("new").orElseThrow().accepted().complete(T0);
        recent.reserve("fifth", "ana", HASH).orElseThrow();
        assertThat(recent.find("new")).isEmpty();
        assertThat(recent.find("newer")).isEmpty();
        assertThat(recent.find("newest")).isEmpty();
        assertThat(recent.find("fourth")).isPresent();
    }
}
