package io.kiln.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.contracts.GenerationRequest;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The client without a server: its settings, and its retries when nothing listens. */
class KilnClientTest {

    @Test
    void builderNamesTheMissingOrBadSetting() {
        assertThatThrownBy(() -> KilnClient.builder().apiKey("k").build()).hasMessageContaining("baseUrl");
        assertThatThrownBy(() -> KilnClient.builder()
                        .baseUrl(URI.create("ftp://host"))
                        .apiKey("k")
                        .build())
                .hasMessageContaining("baseUrl");
        assertThatThrownBy(() ->
                        KilnClient.builder().baseUrl(URI.create("http://host")).build())
                .hasMessageContaining("apiKey");
        assertThatThrownBy(() -> KilnClient.builder()
                        .baseUrl(URI.create("http://host"))
                        .apiKey("secret with space")
                        .build())
                .hasMessageContaining("apiKey")
                .hasMessageNotContaining("secret");
        assertThatThrownBy(() -> KilnClient.builder()
                        .baseUrl(URI.create("http://host"))
                        .apiKey("k")
                        .requestTimeout(Duration.ZERO)
                        .build())
                .hasMessageContaining("requestTimeout");
        assertThatThrownBy(() -> KilnClient.builder()
                        .baseUrl(URI.create("http://host"))
                        .apiKey("k")
                        .retryPolicy(null)
                        .build())
                .hasMessageContaining("retryPolicy");
    }

    @Test
    void aJobHandleNeedsAWellFormedJobId() {
        try (var client = client(1, RetryPolicy.none())) {
            assertThat(client.job("job-1").jobId()).isEqualTo("job-1");
            assertThatThrownBy(() -> client.job("a/b")).hasMessageContaining("jobId");
        }
    }

    @Test
    void refusedConnectionsAreRetriedThenReportedWithTheirCount() throws Exception {
        int closedPort = closedPort();
        var policy = new RetryPolicy(3, Duration.ofMillis(20), Duration.ofMillis(40), Duration.ofSeconds(10));
        try (var client = client(closedPort, policy)) {
            assertThatThrownBy(() -> client.submit(
                            GenerationRequest.builder().prompt("a fox").build()))
                    .isInstanceOfSatisfying(KilnException.Unavailable.class, e -> {
                        assertThat(e.attempts()).isEqualTo(3);
                        assertThat(e.httpStatus()).isZero();
                        assertThat(e)
                                .hasMessageContaining("gave up after 3 attempts")
                                .hasMessageContaining("POST /v1/jobs")
                                .hasMessageContaining("no answer from 127.0.0.1:" + closedPort)
                                .hasCauseInstanceOf(ConnectException.class);
                    });
        }
    }

    @Test
    void theTimeBudgetEndsRetriesBeforeTheAttemptsRunOut() throws Exception {
        int closedPort = closedPort();
        var policy = new RetryPolicy(1000, Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(400));
        try (var client = client(closedPort, policy)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> client.job("job-1").status())
                    .isInstanceOfSatisfying(KilnException.Unavailable.class, e -> assertThat(e.attempts())
                            .isBetween(2, 20));
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    /** A loopback port nothing listens on. */
    private static int closedPort() throws java.io.IOException {
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    private static KilnClient client(int port, RetryPolicy policy) {
        return KilnClient.builder()
                .baseUrl(URI.create("http://127.0.0.1:" + port))
                .apiKey("k")
                .retryPolicy(policy)
                .build();
    }
}
