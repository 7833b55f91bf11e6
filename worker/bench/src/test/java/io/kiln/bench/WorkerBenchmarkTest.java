package io.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.within;

import io.kiln.clients.S3Settings;
import io.kiln.worker.config.BatchingSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** The arithmetic of {@link WorkerBenchmark}; running it needs servers and is covered by {@code kiln bench worker}'s IT. */
class WorkerBenchmarkTest {

    @Test
    void recoversTheBatchesFromEachJobsBatchSizeLargestFirst() {
        List<Integer> jobBatchSizes = new ArrayList<>();
        jobBatchSizes.addAll(Collections.nCopies(16, 8));
        jobBatchSizes.addAll(Collections.nCopies(3, 3));
        jobBatchSizes.addAll(Collections.nCopies(5, 5));
        Collections.shuffle(jobBatchSizes);

        SortedMap<Integer, Integer> batches = WorkerBenchmark.batchesFormed(jobBatchSizes);

        assertThat(batches).containsExactly(entry(8, 2), entry(5, 1), entry(3, 1));
        assertThat(WorkerBenchmark.describe(batches)).isEqualTo("8×2 + 5×1 + 3×1");
    }

    @Test
    void countsAPartlySettledBatchAsOne() {
        // a batch of 8 of which 3 jobs were cancelled leaves 5 jobs reporting size 8
        assertThat(WorkerBenchmark.batchesFormed(Collections.nCopies(5, 8))).containsExactly(entry(8, 1));
    }

    @Test
    void overheadIsTheEndToEndTimeBeyondTheBarePipelinesPerJob() {
        var round = round(Duration.ofMillis(5_000), Duration.ofMillis(4_000));

        assertThat(round.endToEndJobsPerSecond()).isCloseTo(40.0, within(1e-9));
        assertThat(round.bareJobsPerSecond()).isCloseTo(50.0, within(1e-9));
        assertThat(round.ratio()).isCloseTo(0.8, within(1e-9));
        assertThat(round.overheadPerJob()).isEqualTo(Duration.ofMillis(5));
        assertThat(round.pngPerImage()).isEqualTo(Duration.ofMillis(1));
    }

    @Test
    void theOverheadSplitsIntoTimeOutsideTheWorkersPipelineAndItsSlowerPipeline() {
        SortedMap<Integer, Integer> batches = new TreeMap<>(Map.of(8, 25));
        var round = new WorkerBenchmark.Round(
                1,
                200,
                batches,
                Duration.ofMillis(5_000),
                Duration.ofMillis(4_000),
                Duration.ofMillis(200),
                Duration.ofMillis(4_600),
                0,
                Duration.ofMillis(400),
                Duration.ofMillis(20),
                0.01,
                0.02,
                9_000,
                8_000);

        assertThat(round.outsidePipelinePerJob()).isEqualTo(Duration.ofMillis(2));
        assertThat(round.slowerPipelinePerJob()).isEqualTo(Duration.ofMillis(3));
        assertThat(round.outsidePipelinePerJob().plus(round.slowerPipelinePerJob()))
                .isEqualTo(round.overheadPerJob());
        assertThat(round.workerCompilingPerJob()).isEqualTo(Duration.ofMillis(2));
        assertThat(round.bareCompilingPerJob()).isEqualTo(Duration.ofNanos(100_000));
        assertThat(round.addedCpuPerJobMillis()).isCloseTo(5.0, within(1e-9));
    }

    @Test
    void theMedianAddedCpuSkipsRoundsWithoutCpuFigures() {
        var result = new WorkerBenchmark.Result(List.of(
                round(Duration.ofMillis(5_000), Duration.ofMillis(4_000), 0, 0, 9_000, 8_200),
                round(Duration.ofMillis(5_000), Duration.ofMillis(4_000), 0, 0, Double.NaN, Double.NaN),
                round(Duration.ofMillis(5_000), Duration.ofMillis(4_000), 0, 0, 9_000, 8_000),
                round(Duration.ofMillis(5_000), Duration.ofMillis(4_000), 0, 0, 9_400, 8_000)));

        assertThat(result.medianAddedCpuPerJobMillis()).isCloseTo(5.0, within(1e-9));
        assertThat(new WorkerBenchmark.Result(
                                List.of(round(Duration.ofMillis(5_000), Duration.ofMillis(4_000), 0, 0, Double.NaN, 1)))
                        .medianAddedCpuPerJobMillis())
                .isNaN();
    }

    @Test
    void mediansAreTakenOverTheRounds() {
        var result = new WorkerBenchmark.Result(List.of(
                round(Duration.ofMillis(5_000), Duration.ofMillis(4_000)),
                round(Duration.ofMillis(4_400), Duration.ofMillis(4_000)),
                round(Duration.ofMillis(8_000), Duration.ofMillis(4_000))));

        assertThat(result.medianOverheadPerJob()).isEqualTo(Duration.ofMillis(5));
        assertThat(result.medianOutsidePipelinePerJob()).isEqualTo(Duration.ofMillis(5));
        assertThat(result.medianSlowerPipelinePerJob()).isZero();
        assertThat(result.medianEndToEndJobsPerSecond()).isCloseTo(40.0, within(1e-9));
        assertThat(result.medianBareJobsPerSecond()).isCloseTo(50.0, within(1e-9));
        assertThat(result.medianRatio()).isCloseTo(0.8, within(1e-9));
    }

    @Test
    void mediansLeaveOutRoundsWhoseCpuWasStolen() {
        var result = new WorkerBenchmark.Result(List.of(
                round(Duration.ofMillis(5_000), Duration.ofMillis(4_000), 0.01, 0.0),
                round(Duration.ofMillis(9_000), Duration.ofMillis(4_000), 0.2, 0.0),
                round(Duration.ofMillis(5_000), Duration.ofMillis(8_000), 0.0, 0.3),
                round(Duration.ofMillis(4_400), Duration.ofMillis(4_000), 0.05, 0.05)));

        assertThat(result.compared())
                .extracting(WorkerBenchmark.Round::endToEnd)
                .containsExactly(Duration.ofMillis(5_000), Duration.ofMillis(4_400));
        assertThat(result.medianOverheadPerJob()).isEqualTo(Duration.ofNanos(3_500_000));
    }

    @Test
    void everyRoundCountsWhenNoneWasCalm() {
        var result = new WorkerBenchmark.Result(List.of(
                round(Duration.ofMillis(5_000), Duration.ofMillis(4_000), 0.2, 0.0),
                round(Duration.ofMillis(4_400), Duration.ofMillis(4_000), 0.0, 0.3)));

        assertThat(result.compared()).isEqualTo(result.rounds());
    }

    @Test
    void aRoundWithoutStealFiguresCounts() {
        // no /proc/stat off Linux
        assertThat(round(Duration.ofMillis(5_000), Duration.ofMillis(4_000), Double.NaN, Double.NaN)
                        .isCalm())
                .isTrue();
    }

    @Test
    void optionsRefuseWhatCannotRun() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> options(0, 20, 64))
                .withMessageContaining("jobs and rounds must be ≥ 1");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> options(200, -1, 64))
                .withMessageContaining("warmUpJobs ≥ 0");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> options(200, 20, 60))
                .withMessage("size: must be a multiple of 8 of at least 64, was 60");
    }

    private static WorkerBenchmark.Round round(Duration endToEnd, Duration bare) {
        return round(endToEnd, bare, 0, 0);
    }

    private static WorkerBenchmark.Round round(Duration endToEnd, Duration bare, double workerSteal, double bareSteal) {
        return round(endToEnd, bare, workerSteal, bareSteal, 0, 0);
    }

    private static WorkerBenchmark.Round round(
            Duration endToEnd,
            Duration bare,
            double workerSteal,
            double bareSteal,
            double workerCpuMillis,
            double bareCpuMillis) {
        SortedMap<Integer, Integer> batches = new TreeMap<>();
        batches.put(8, 25);
        return new WorkerBenchmark.Round(
                1,
                200,
                batches,
                endToEnd,
                bare,
                Duration.ofMillis(200),
                bare,
                0,
                Duration.ZERO,
                Duration.ZERO,
                workerSteal,
                bareSteal,
                workerCpuMillis,
                bareCpuMillis);
    }

    private static WorkerBenchmark.Options options(int jobs, int warmUp, int size) {
        return new WorkerBenchmark.Options(
                "127.0.0.1:9092",
                S3Settings.aws("us-east-1"),
                Path.of("model"),
                jobs,
                warmUp,
                3,
                size,
                2,
                BatchingSettings.defaults());
    }

    private static Map.Entry<Integer, Integer> entry(int size, int count) {
        return Map.entry(size, count);
    }
}
