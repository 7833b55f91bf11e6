package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * {@code kiln bench worker} with a handful of jobs: it starts its own Kafka and S3, or uses the ones given, runs a
 * worker and the bare pipeline on the model given or on one it builds, and prints its table. Keeps the benchmark from
 * rotting; its figures mean nothing at this size.
 */
@KilnInfra
class WorkerBenchCommandIT {

    @Test
    void usesTheBrokerAndStoreItIsGiven(KafkaEndpoint kafka, S3Endpoint s3) {
        String tiny = GoldenData.file("models/tiny").toString();
        // the store's keys reach the AWS default chain as they would from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
        System.setProperty("aws.accessKeyId", s3.accessKey());
        System.setProperty("aws.secretAccessKey", s3.secretKey());
        CommandRun run;
        try {
            run = CommandRun.of(
                    "bench",
                    "worker",
                    "--model",
                    tiny,
                    "--jobs",
                    "4",
                    "--warm-up",
                    "0",
                    "--rounds",
                    "1",
                    "--bootstrap",
                    kafka.bootstrapServers(),
                    "--s3-endpoint",
                    s3.endpoint().toString(),
                    "--s3-region",
                    s3.region());
        } finally {
            System.clearProperty("aws.accessKeyId");
            System.clearProperty("aws.secretAccessKey");
        }

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("Kafka at " + kafka.bootstrapServers() + ", S3 at " + s3.endpoint() + " (given)")
                .contains("round 1: 4 jobs, batches ");
        assertThat(run.outLines()).last().satisfies(line -> assertThat(line)
                .matches("ratio=\\d+\\.\\d\\d overhead_ms=-?\\d+\\.\\d\\d"));
    }

    @Test
    void buildsAModelWhenGivenNoneRunsJobsThroughAWorkerAndTheBarePipelineAndPrintsTheTable() throws Exception {
        Path root = Files.createDirectories(Path.of(System.getProperty("kiln.infra.workdir", "target/kiln-infra")));
        Path dir = Files.createTempDirectory(root, "bench-worker-");

        CommandRun run = CommandRun.of(
                "bench",
                "worker",
                "--jobs",
                "6",
                "--warm-up",
                // two untimed rounds, of 6 jobs and of 2
                "8",
                "--rounds",
                "2",
                "--dir",
                dir.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("model: random weights in the tiny model's shapes, built in ")
                .contains("worker benchmark: tiny-random, 64x64, 2 ddim steps, 6 jobs per round after 8 warm-up,"
                        + " 2 rounds")
                .contains("warm-up: 8 of 8 jobs, last batches ")
                .contains("| round | batches (images × count) | end to end | bare pipeline |")
                .contains("| of it, outside the pipeline | of it, pipeline slower in the worker |")
                .contains("| CPU outside the pipeline added per job |");
        assertThat(run.outLines())
                .anySatisfy(line -> assertThat(line)
                        .matches("round 1: 6 jobs, batches \\d.*overhead -?\\d+\\.\\d\\d ms per job"
                                + " \\(-?\\d+\\.\\d\\d ms outside the worker's pipeline\\)"))
                .anySatisfy(line -> assertThat(line).matches("\\| 2 \\| [0-9×+ ]+ \\| \\d+ ms, .*"))
                // CPU times come from Linux's /proc, as on every machine this suite runs on
                .anySatisfy(
                        line -> assertThat(line).matches("\\| median of \\d \\|.* \\| -?\\d+\\.\\d\\d ms \\| \\| \\|"))
                .last()
                .satisfies(line -> assertThat(line).matches("ratio=\\d+\\.\\d\\d overhead_ms=-?\\d+\\.\\d\\d"));
    }
}
