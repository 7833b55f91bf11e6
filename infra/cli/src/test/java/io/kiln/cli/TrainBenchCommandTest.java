package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** {@code kiln bench train} times both stages of the recipe on fresh modules, one timed step of each kind. */
class TrainBenchCommandTest {
    private static final String LINE =
            " batch %d: forward \\d+\\.\\d samples/s, forward\\+backward \\d+\\.\\d samples/s"
                    + " \\(\\d+\\.\\d\\dx the forward's time\\), whole update \\d+\\.\\d samples/s \\(\\d+\\.\\d\\dx\\)";

    @Test
    void timesEachKindOfStepOfBothStages() {
        CommandRun run = CommandRun.of("bench", "train", "--warmups", "0", "--runs", "1");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines())
                .satisfiesExactly(line -> assertThat(line).matches("vae" + LINE.formatted(16)), line -> assertThat(line)
                        .matches("ldm" + LINE.formatted(32)));
    }
}
