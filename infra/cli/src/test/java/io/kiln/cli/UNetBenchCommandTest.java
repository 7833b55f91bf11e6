package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln bench unet} on a UNet small enough to time in milliseconds. */
class UNetBenchCommandTest {
    /** Two levels of 32 and 64 channels, one layer each: SD 1.x's topology at a few hundred thousand weights. */
    private static final String SMALL_UNET = """
            {"block_out_channels": [32, 64], "down_block_types": ["DownBlock2D", "CrossAttnDownBlock2D"],
             "layers_per_block": 1, "attention_head_dim": 8, "cross_attention_dim": 32}""";

    @TempDir
    Path dir;

    @Test
    void printsEveryPassAndEndsWithTheMedian() throws IOException {
        Path config = Files.writeString(dir.resolve("config.json"), SMALL_UNET);

        CommandRun run = CommandRun.of(
                "bench", "unet", "--config", config.toString(), "--latent", "8", "--batch", "2", "--runs", "3");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).hasSize(6);
        assertThat(run.outLines().get(0))
                .isEqualTo("unet " + config + ", batch 2, latents 8x8, float32, warm-ups 1, runs 3");
        assertThat(run.outLines().subList(1, 5))
                .satisfiesExactly(
                        line -> assertThat(line).matches("warm-up 1: \\d+ ms"),
                        line -> assertThat(line).matches("run 1: \\d+ ms"),
                        line -> assertThat(line).matches("run 2: \\d+ ms"),
                        line -> assertThat(line).matches("run 3: \\d+ ms"));
        assertThat(run.outLines()).last().asString().matches("median_ms=\\d+\\.\\d");
    }

    @Test
    void anUnknownConfigIsAnArgumentError() {
        CommandRun run = CommandRun.of("bench", "unet", "--config", "sd99", "--latent", "32", "--batch", "2");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--config: neither sd15 nor an existing config.json: sd99");
    }

    @Test
    void aLatentSizeTheUNetCannotHalveIsAnArgumentError() {
        CommandRun run = CommandRun.of("bench", "unet", "--config", "sd15", "--latent", "36", "--batch", "2");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("latent size must be ≥ 8 and divisible by 8, got 36");
    }

    @Test
    void benchWithoutAModuleIsAUsageError() {
        CommandRun run = CommandRun.of("bench");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("Missing command: unet, pipeline, worker, model or api");
    }
}
