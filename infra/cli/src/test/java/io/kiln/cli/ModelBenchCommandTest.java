package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln bench model}, then the README's {@code kiln generate} on what it wrote: no file outside the clone. */
class ModelBenchCommandTest {
    @TempDir
    Path dir;

    @Test
    void writesAModelThatGenerateRuns() {
        CommandRun written = CommandRun.of("bench", "model", "--out", dir.toString());

        assertThat(written.exitCode()).as(written.err()).isZero();
        Path model = dir.resolve("tiny-random");
        assertThat(written.out().strip()).isEqualTo(model.toString());

        Path png = dir.resolve("fox.png");
        CommandRun generated = CommandRun.of(
                "generate",
                "--model",
                model.toString(),
                "--prompt",
                "a red fox in the snow",
                "--steps",
                "2",
                "--sampler",
                "ddim",
                "--seed",
                "42",
                "--out",
                png.toString());

        assertThat(generated.exitCode()).as(generated.err()).isZero();
        assertThat(generated.out()).contains("wrote " + png + " (seed 42)");
        assertThat(png).isRegularFile();
    }
}
