package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code kiln bench worker} with a handful of jobs: it starts its own Kafka and S3, runs a worker and the bare
 * pipeline, and prints its table. Keeps the benchmark from rotting; its figures mean nothing at this size.
 */
class WorkerBenchCommandIT {

    @Test
    void runsJobsThroughAWorkerAndTheBarePipelineAndPrintsTheTable() throws Exception {
        String tiny = GoldenData.file("models/tiny").toString();
        Path root = Files.createDirectories(Path.of(System.getProperty("kiln.infra.workdir", "target/kiln-infra")));
        Path dir = Files.createTempDirectory(root, "bench-worker-");

        CommandRun run = CommandRun.of(
                "bench",
                "worker",
                "--model",
                tiny,
                "--jobs",
                "6",
                "--warm-up",
                "2",
                "--rounds",
                "2",
                "--dir",
                dir.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("worker benchmark: tiny, 64x64, 2 ddim steps, 6 jobs per round after 2 warm-up, 2 rounds")
                .contains("warm-up: 2 jobs, batches ")
                .contains("| round | batches (images × count) | end to end | bare pipeline |")
                .contains("| of it, outside the pipeline | of it, pipeline slower in the worker |");
        assertThat(run.outLines())
                .anySatisfy(line -> assertThat(line)
                        .matches("round 1: 6 jobs, batches \\d.*overhead -?\\d+\\.\\d\\d ms per job"
                                + " \\(-?\\d+\\.\\d\\d ms outside the worker's pipeline\\)"))
                .anySatisfy(line -> assertThat(line).matches("\\| 2 \\| [0-9×+ ]+ \\| \\d+ ms, .*"))
                .last()
                .satisfies(line -> assertThat(line).matches("ratio=\\d+\\.\\d\\d overhead_ms=-?\\d+\\.\\d\\d"));
    }
}
