package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** What {@code kiln soak} refuses before it starts anything. */
class SoakCommandTest {

    @Test
    void refusesBadArgumentsNamingEachOption() {
        CommandRun run = CommandRun.of("soak", "--workers", "1", "--jobs", "0", "--steps", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("--jobs: must be at least 1, was 0")
                .contains("--workers: must be at least 2, was 1")
                .contains("--steps: must be at least 1, was 0");
    }
}
