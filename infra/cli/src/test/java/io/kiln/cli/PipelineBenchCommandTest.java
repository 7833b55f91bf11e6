package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code kiln bench pipeline} on the tiny golden model, one step per image. */
class PipelineBenchCommandTest {
    @Test
    void timesEachBatchSizeAndEndsWithTheGain() {
        String tiny = GoldenData.file("models/tiny").toString();

        CommandRun run =
                CommandRun.of("bench", "pipeline", "--model", tiny, "--steps", "1", "--batches", "1,2", "--runs", "1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines())
                .satisfiesExactly(
                        line -> assertThat(line)
                                .isEqualTo("pipeline tiny, 64x64, 1 ddim steps, batches [1, 2], runs 1"),
                        line -> assertThat(line).matches("batch 1: median \\d+ ms, \\d+\\.\\d\\d images/s"),
                        line -> assertThat(line).matches("batch 2: median \\d+ ms, \\d+\\.\\d\\d images/s"),
                        line -> assertThat(line).matches("gain=\\d+\\.\\d\\d"));
    }

    @Test
    void anUnknownSamplerIsAnArgumentErrorListingTheKnownOnes() {
        String tiny = GoldenData.file("models/tiny").toString();

        CommandRun run = CommandRun.of("bench", "pipeline", "--model", tiny, "--sampler", "k_lms");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("'--sampler': unknown sampler \"k_lms\"").contains("dpmpp_2m");
    }
}
