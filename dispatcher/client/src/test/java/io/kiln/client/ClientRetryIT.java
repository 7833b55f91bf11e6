package io.kiln.client;

import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.contracts.GenerationRequest;
import io.kiln.dispatcher.Dispatcher;
import io.kiln.dispatcher.DispatcherKit;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A client whose dispatcher cannot reach Kafka retries its 503s, then gives up within its policy. */
@KilnInfra
class ClientRetryIT {

    @Test
    void callsAreRetriedOn503AndGivenUpAfterTheBoundedAttempts(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        var policy = new RetryPolicy(3, Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofSeconds(30));
        try (var kit = new DispatcherKit(kafka, s3)) {
            // a dispatcher whose Kafka does not answer refuses each job with a 503 within about a second
            Dispatcher dispatcher = kit.start(kit.config("127.0.0.1:" + closedPort, Duration.ofSeconds(1)));
            try (var client = KilnClient.builder()
                    .baseUrl(URI.create("http://127.0.0.1:" + dispatcher.port()))
                    .apiKey(ALPHA_KEY)
                    .retryPolicy(policy)
                    .build()) {

                assertThatThrownBy(() -> client.submit(
                                GenerationRequest.builder().prompt("a fox").build()))
                        .isInstanceOfSatisfying(KilnException.Unavailable.class, e -> {
                            assertThat(e.attempts()).isEqualTo(3);
                            assertThat(e.httpStatus()).isEqualTo(503);
                        })
                        .hasMessageContaining("gave up after 3 attempts")
                        .hasMessageContaining("POST /v1/jobs: 503")
                        .hasMessageContaining("retry later");
                // a status the dispatcher cannot read yet is retried the same way
                assertThatThrownBy(() -> client.job("any-job").status())
                        .isInstanceOfSatisfying(KilnException.Unavailable.class, e -> assertThat(e.attempts())
                                .isEqualTo(3))
                        .hasMessageContaining("GET /v1/jobs/any-job: 503");
                // and so is a cancel: a DELETE is idempotent
                assertThatThrownBy(() -> client.job("any-job").cancel())
                        .isInstanceOfSatisfying(KilnException.Unavailable.class, e -> assertThat(e.attempts())
                                .isEqualTo(3))
                        .hasMessageContaining("DELETE /v1/jobs/any-job: 503");
            }
        }
    }
}
