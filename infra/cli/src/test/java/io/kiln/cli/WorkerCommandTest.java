package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln worker} up to the point where it would connect: configuration errors need no servers. */
class WorkerCommandTest {

    @TempDir
    Path dir;

    @Test
    void aBadConfigurationExitsTwoListingEveryProblem() throws Exception {
        Path config = Files.writeString(dir.resolve("worker.properties"), """
                kafka.bootstrap=not a host
                s3.bucket=Bad_Bucket
                model.path=%s
                batch.max-images=0
                batch.max-delai=200ms
                """.formatted(dir.resolve("no-model")));

        CommandRun run = CommandRun.of("worker", "--config", config.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.out()).isEmpty();
        assertThat(run.err())
                .startsWith("Invalid worker configuration, ")
                .contains("kafka.bootstrap: ")
                .contains("s3.bucket: ")
                .contains("model.path: must be an existing model folder or file")
                .contains("batch.max-images: ")
                .contains("batch.max-delai: unknown setting, did you mean batch.max-delay?")
                .doesNotContain("\tat ");
    }

    @Test
    void aMissingConfigurationFileIsAConfigurationProblem() {
        Path missing = dir.resolve("absent.properties");

        CommandRun run = CommandRun.of("worker", "--config", missing.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains(missing + ": no such properties file");
    }

    @Test
    void helpNamesTheExitCodes() {
        CommandRun run = CommandRun.of("worker", "--help");

        assertThat(run.exitCode()).isZero();
        assertThat(run.out())
                .contains("--config=FILE", "KILN_", "0   stopped gracefully", "1   the worker failed", "2   bad");
    }
}
