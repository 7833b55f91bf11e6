package io.kiln.worker.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

class StoragePolicyTest {

    @Test
    void backoffDoublesFromTheInitialWaitUpToTheMaximum() {
        var policy = new StoragePolicy(Duration.ofMillis(100), Duration.ofMillis(1000), Duration.ofMinutes(1));

        assertThat(IntStream.rangeClosed(1, 7).mapToObj(policy::backoffBefore).map(Duration::toMillis))
                .containsExactly(100L, 200L, 400L, 800L, 1000L, 1000L, 1000L);
    }

    @Test
    void backoffStaysAtTheMaximumForAnyNumberOfRetries() {
        var policy = new StoragePolicy(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMinutes(1));

        assertThat(policy.backoffBefore(64)).isEqualTo(Duration.ofSeconds(5));
        assertThat(policy.backoffBefore(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(5));
    }

    @Test
    void rejectsNonPositiveDurationsNamingTheField() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new StoragePolicy(Duration.ZERO, Duration.ofSeconds(1), Duration.ofSeconds(10)))
                .withMessageContaining("initialBackoff");
        assertThatIllegalArgumentException()
                .isThrownBy(
                        () -> new StoragePolicy(Duration.ofMillis(1), Duration.ofSeconds(1), Duration.ofSeconds(-10)))
                .withMessageContaining("giveUpAfter");
    }

    @Test
    void rejectsAMaximumBackoffBelowTheInitialOne() {
        assertThatIllegalArgumentException()
                .isThrownBy(
                        () -> new StoragePolicy(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(10)))
                .withMessageContaining("maxBackoff");
    }

    @Test
    void retriesCountFromOne() {
        assertThatIllegalArgumentException().isThrownBy(() -> StoragePolicy.DEFAULT.backoffBefore(0));
    }
}
