package io.kiln.worker.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.kiln.contracts.ErrorCode;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class WorkerMetricsTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final WorkerMetrics metrics = new WorkerMetrics(registry);

    private double count(String name) {
        return registry.get(name).counter().count();
    }

    @Test
    void countsJobOutcomes() {
        metrics.jobConsumed();
        metrics.jobConsumed();
        metrics.jobConsumed();
        metrics.jobSucceeded();
        metrics.jobRetried();
        metrics.jobDeadLettered();
        metrics.jobCancelled();
        metrics.storageRetry();
        metrics.storageRetry();

        assertThat(count("kiln.jobs.consumed")).isEqualTo(3);
        assertThat(count("kiln.jobs.succeeded")).isEqualTo(1);
        assertThat(count("kiln.jobs.retried")).isEqualTo(1);
        assertThat(count("kiln.jobs.dead.lettered")).isEqualTo(1);
        assertThat(count("kiln.jobs.cancelled")).isEqualTo(1);
        assertThat(count("kiln.storage.retries")).isEqualTo(2);
    }

    @Test
    void countsFailuresByErrorCodeWithEveryCodePresentFromTheStart() {
        assertThat(registry.get("kiln.jobs.failed").counters()).hasSize(ErrorCode.values().length);

        metrics.jobFailed(ErrorCode.OUT_OF_MEMORY);
        metrics.jobFailed(ErrorCode.OUT_OF_MEMORY);
        metrics.jobFailed(ErrorCode.STORAGE_UNAVAILABLE);

        assertThat(registry.get("kiln.jobs.failed")
                        .tag("code", "out_of_memory")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(registry.get("kiln.jobs.failed")
                        .tag("code", "storage_unavailable")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(registry.get("kiln.jobs.failed")
                        .tag("code", "internal")
                        .counter()
                        .count())
                .isZero();
    }

    @Test
    void recordsBatchSizeDenoiseAndDecodeTimesAndTheLatestThroughput() {
        assertThat(registry.get("kiln.batch.images.per.second").gauge().value()).isNaN();

        metrics.batchRan(8, Duration.ofSeconds(4), Duration.ofMillis(600));
        metrics.batchRan(3, Duration.ofMillis(1500), Duration.ofMillis(250));

        var size = registry.get("kiln.batch.size").summary();
        assertThat(size.count()).isEqualTo(2);
        assertThat(size.totalAmount()).isEqualTo(11);
        assertThat(size.max()).isEqualTo(8);
        var denoise = registry.get("kiln.batch.denoise").timer();
        assertThat(denoise.count()).isEqualTo(2);
        assertThat(denoise.totalTime(TimeUnit.MILLISECONDS)).isEqualTo(5500);
        assertThat(registry.get("kiln.batch.decode").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(850);
        assertThat(registry.get("kiln.batch.images.per.second").gauge().value()).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void keepsTheThroughputOfABatchWithNoMeasurableTime() {
        metrics.batchRan(4, Duration.ofSeconds(2), Duration.ofMillis(300));
        metrics.batchRan(1, Duration.ZERO, Duration.ZERO);

        assertThat(registry.get("kiln.batch.images.per.second").gauge().value()).isCloseTo(2.0, within(1e-9));
        assertThat(registry.get("kiln.batch.size").summary().count()).isEqualTo(2);
    }

    @Test
    void timesQueueWaitsAndSteps() {
        metrics.queueWait(Duration.ofMillis(120));
        metrics.queueWait(Duration.ofMillis(80));
        metrics.step(Duration.ofMillis(250));

        assertThat(registry.get("kiln.queue.wait").timer().count()).isEqualTo(2);
        assertThat(registry.get("kiln.queue.wait").timer().totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(200);
        assertThat(registry.get("kiln.denoise.step").timer().max(TimeUnit.MILLISECONDS))
                .isEqualTo(250);
    }

    @Test
    void countsBrokerRetries() {
        metrics.brokerRetry();

        assertThat(count("kiln.broker.retries")).isEqualTo(1);
    }

    @Test
    void recordsANegativeWaitFromClockSkewAsZero() {
        metrics.queueWait(Duration.ofMillis(-300));
        metrics.step(Duration.ofNanos(-1));

        assertThat(registry.get("kiln.queue.wait").timer().count()).isEqualTo(1);
        assertThat(registry.get("kiln.queue.wait").timer().max(TimeUnit.NANOSECONDS))
                .isZero();
        assertThat(registry.get("kiln.denoise.step").timer().count()).isEqualTo(1);
    }

    @Test
    void refusesImpossibleMeasurementsByName() {
        assertThatThrownBy(() -> metrics.batchRan(0, Duration.ofSeconds(1), Duration.ZERO))
                .hasMessageStartingWith("images: ");
        assertThatThrownBy(() -> metrics.batchRan(1, null, Duration.ZERO)).hasMessageStartingWith("denoise: ");
        assertThatThrownBy(() -> metrics.batchRan(1, Duration.ZERO, null)).hasMessageStartingWith("decode: ");
        assertThatThrownBy(() -> metrics.queueWait(null)).hasMessageStartingWith("wait: ");
        assertThatThrownBy(() -> metrics.step(null)).hasMessageStartingWith("stepTime: ");
        assertThat(registry.get("kiln.batch.size").summary().count()).isZero();
    }
}
