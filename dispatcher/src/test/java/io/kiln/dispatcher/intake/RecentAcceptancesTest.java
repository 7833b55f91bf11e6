package io.kiln.dispatcher.intake;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.contracts.JobStatus;
import io.kiln.dispatcher.status.StoredImage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class RecentAcceptancesTest {
    /** Shows stored images as they are, without a URL. */
    private static final java.util.function.Function<StoredImage, JobStatus.Image> NO_URL =
            image -> image.linked(null, null);

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
    private final RecentAcceptances recent =
            new RecentAcceptances(Duration.ofMinutes(10), Duration.ofSeconds(30), 2, clock);

    private static void acknowledge(RecentAcceptances.Entry entry) {
        entry.outcome().complete(new RecentAcceptances.Outcome.Acknowledged(T0));
    }

    @Test
    void aJobIdIsReservedOnceAndReadsQueuedOnlyOnceAcknowledged() {
        var entry = recent.reserve("j1", "ana", HASH).orElseThrow();
        assertThat(recent.reserve("j1", "ana", HASH)).isEmpty();
        assertThat(entry.asQueued()).isEmpty();

        acknowledge(entry);
        assertThat(recent.find("j1")
                        .orElseThrow()
                        .asQueued()
                        .orElseThrow()
                        .view(NO_URL)
                        .acceptedAt())
                .isEqualTo(T0);
    }

    @Test
    void aWriteInDoubtReadsAsNoJobButKeepsItsId() {
        var entry = recent.reserve("j1", "ana", HASH).orElseThrow();
        entry.outcome().complete(new RecentAcceptances.Outcome.InDoubt(T0, "TimeoutException"));
        assertThat(entry.asQueued()).isEmpty();
        assertThat(recent.reserve("j1", "ana", HASH)).isEmpty();
    }

    @Test
    void aReleasedReservationFreesTheJobId() {
        var entry = recent.reserve("j1", "ana", HASH).orElseThrow();
        recent.release(entry);
        assertThat(recent.find("j1")).isEmpty();
        assertThat(recent.reserve("j1", "ana", HASH)).isPresent();
    }

    @Test
    void entriesExpireAfterTheRetentionOrOverCapacityButNeverWhilePendingOrYoung() {
        acknowledge(recent.reserve("old", "ana", HASH).orElseThrow());
        clock.now = T0.plus(Duration.ofMinutes(11));
        recent.reserve("new", "ana", HASH).orElseThrow();
        assertThat(recent.find("old")).isEmpty();

        acknowledge(recent.reserve("newer", "ana", HASH).orElseThrow());
        clock.now = clock.now.plusSeconds(31);
        acknowledge(recent.reserve("newest", "ana", HASH).orElseThrow());
        recent.reserve("fourth", "ana", HASH).orElseThrow();
        // over capacity, but "new", the oldest, still waits for Kafka: kept, and what came after it too
        assertThat(recent.find("new")).isPresent();
        assertThat(recent.find("newer")).isPresent();

        acknowledge(recent.find("new").orElseThrow());
        recent.reserve("fifth", "ana", HASH).orElseThrow();
        assertThat(recent.find("new")).isEmpty();
        assertThat(recent.find("newer")).isEmpty();
        // over capacity still, but "newest" is younger than the status topic may need to record it
        assertThat(recent.find("newest")).isPresent();
        assertThat(recent.find("fourth")).isPresent();
    }
}
