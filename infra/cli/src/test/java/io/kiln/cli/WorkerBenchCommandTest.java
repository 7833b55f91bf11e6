package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln bench worker}'s arguments, refused before any server starts; the run itself is its IT's. */
class WorkerBenchCommandTest {

    @TempDir
    Path dir;

    @Test
    void aMissingModelFolderIsAnArgumentError() {
        CommandRun run = CommandRun.of(
                "bench", "worker", "--model", dir.resolve("nothing").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--model: no such diffusers folder: " + dir.resolve("nothing"));
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aBrokerWithoutAStoreIsAnArgumentError() {
        CommandRun run = CommandRun.of("bench", "worker", "--model", dir.toString(), "--bootstrap", "kafka:9092");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--bootstrap and --s3-endpoint go together");
    }

    @Test
    void noJobsIsAnArgumentErrorBeforeAnyModelIsBuilt() {
        CommandRun run = CommandRun.of("bench", "worker", "--jobs", "0", "--dir", dir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--jobs and --rounds must be ≥ 1 and --warm-up ≥ 0, were 0, 30 and 10000");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void defaultsToAModelItBuildsRatherThanAFolderOutsideTheRepository() {
        CommandRun run = CommandRun.of("bench", "worker", "--help");

        assertThat(run.exitCode()).isZero();
        // picocli wraps the help text at any space
        assertThat(run.out().replaceAll("\\s+", " "))
                .contains("--model=PATH The model the worker serves, a diffusers folder; default: one with random")
                .doesNotContain("../");
    }

    @Test
    void anImageSizeThePipelineCannotRunIsAnArgumentError() {
        CommandRun run = CommandRun.of("bench", "worker", "--model", dir.toString(), "--size", "60");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--size must be a multiple of 8 of at least 64");
    }
}
