package io.kiln.worker.control;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class CancellationsTest {
    private static final Instant NOON = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void aCancelIsKnownWithItsReasonUntilWithdrawn() {
        var cancellations = new Cancellations();
        cancellations.cancel("job-1", "not needed", NOON);

        assertThat(cancellations.isCancelled("job-1")).isTrue();
        assertThat(cancellations.reason("job-1")).contains("not needed");
        assertThat(cancellations.reason("job-2")).isEmpty();

        cancellations.withdraw("job-1");
        assertThat(cancellations.isCancelled("job-1")).isFalse();
    }

    @Test
    void forgettingDropsOnlyTheCancelsWrittenBeforeTheCutoff() {
        var cancellations = new Cancellations();
        cancellations.cancel("before", "old", NOON.minusMillis(1));
        cancellations.cancel("at", "on the cutoff", NOON);
        cancellations.cancel("after", "new", NOON.plusSeconds(60));

        cancellations.forgetWrittenBefore(NOON);

        assertThat(cancellations.isCancelled("before")).isFalse();
        assertThat(cancellations.isCancelled("at")).isTrue();
        assertThat(cancellations.isCancelled("after")).isTrue();
    }

    @Test
    void aLaterCancelOfTheSameJobReplacesTheEarlierOne() {
        var cancellations = new Cancellations();
        cancellations.cancel("job-1", "first", NOON.minusSeconds(3600));
        cancellations.cancel("job-1", "second", NOON.plusSeconds(1));

        cancellations.forgetWrittenBefore(NOON);

        assertThat(cancellations.reason("job-1")).contains("second");
    }
}
