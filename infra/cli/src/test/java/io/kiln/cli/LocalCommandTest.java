package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine.ExitCode;

/** {@code kiln local}'s arguments are checked before anything starts or is written. */
class LocalCommandTest {

    @TempDir
    Path dir;

    @Test
    void refusesFewerThanOneWorker() {
        CommandRun run = CommandRun.of("local", "--dir", cluster(), "--workers", "0");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--workers: must be at least 1, was 0");
        assertThat(dir.resolve("cluster")).doesNotExist();
    }

    @Test
    void refusesAPortNoServerCanListenOn() {
        CommandRun run = CommandRun.of("local", "--dir", cluster(), "--port", "70000");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--port: must be between 0 (any free port) and 65535, was 70000");
        assertThat(dir.resolve("cluster")).doesNotExist();
    }

    @Test
    void refusesAModelThatIsNotAFolder() {
        Path missing = dir.resolve("no-such-model");

        CommandRun run = CommandRun.of("local", "--dir", cluster(), "--model", missing.toString());

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("--model: " + missing + " is not a folder");
        assertThat(dir.resolve("cluster")).doesNotExist();
    }

    @Test
    void downOverAFolderWithNothingRunningSaysSo() {
        CommandRun run = CommandRun.of("local", "down", "--dir", cluster());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines())
                .containsExactly(
                        "dispatcher was not running", "Kafka      was not running", "S3         was not running");
    }

    @Test
    void downTakesNoStartOption() {
        CommandRun run = CommandRun.of("local", "down", "--dir", cluster(), "--workers", "3");

        assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(run.err()).contains("Unknown option", "--workers");
    }

    private String cluster() {
        return dir.resolve("cluster").toString();
    }
}
