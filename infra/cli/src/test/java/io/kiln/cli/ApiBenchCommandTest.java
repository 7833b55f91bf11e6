package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ApiBenchCommandTest {

    @Test
    void refusesNoClientsBeforeStartingAnything() {
        CommandRun run = CommandRun.of("bench", "api", "--clients", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--clients and --seconds must be ≥ 1");
        assertThat(run.out()).isEmpty();
    }
}
