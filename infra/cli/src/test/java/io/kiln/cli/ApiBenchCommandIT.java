package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.testing.KilnInfra;
import org.junit.jupiter.api.Test;

/**
 * {@code kiln bench api} for a few seconds with a few clients on the broker it is given: it starts a dispatcher, submits
 * through the Java client and prints its figures. Keeps the benchmark from rotting; its figures mean nothing here.
 */
@KilnInfra
class ApiBenchCommandIT {

    @Test
    void submitsThroughARealDispatcherAndPrintsAcceptedPerSecondAndP99(KafkaEndpoint kafka) {
        CommandRun run = CommandRun.of(
                "bench",
                "api",
                "--clients",
                "4",
                "--warm-up-seconds",
                "1",
                "--seconds",
                "2",
                "--bootstrap",
                kafka.bootstrapServers());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out())
                .contains("api benchmark: POST /v1/jobs, 4 clients, 1 s warm-up, 2 s measured")
                .contains("Kafka at " + kafka.bootstrapServers() + " (given)")
                .contains("dispatcher ready at http://127.0.0.1:")
                .containsPattern("warm-up: \\d+ accepted in 1 s")
                .containsPattern("measured: [1-9]\\d* accepted in 2 s, refused none; latency p50 ");
        assertThat(run.outLines()).last().satisfies(line -> assertThat(line)
                .matches("accepted_per_second=\\d+\\.\\d p99_ms=\\d+\\.\\d"));
    }
}
