package io.kiln.dispatcher;

import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static io.kiln.dispatcher.DispatcherKit.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** A dispatcher whose Kafka does not answer starts, says it is not ready, and refuses jobs within its bound. */
@KilnInfra
class KafkaUnavailableIT {

    @Test
    void jobsAre503WithinTheAcceptTimeoutWhenKafkaDoesNotAnswer(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        try (var kit = new DispatcherKit(kafka, s3)) {
            Dispatcher dispatcher = kit.start(kit.config("127.0.0.1:" + closedPort, Duration.ofSeconds(1)));

            long start = System.nanoTime();
            var response = kit.submit(dispatcher, ALPHA_KEY, "{\"prompt\": \"a fox\"}");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(response.statusCode()).as(response.body()).isEqualTo(503);
            assertThat(json(response).get("message").asString()).contains("not accepted");
            assertThat(took).isLessThan(Duration.ofSeconds(5));
            assertThat(kit.get(dispatcher, "/v1/health", null).statusCode()).isEqualTo(503);
            assertThat(kit.get(dispatcher, "/v1/jobs/anything", ALPHA_KEY).statusCode())
                    .isEqualTo(503);
            assertThat(kit.delete(dispatcher, "/v1/jobs/anything", ALPHA_KEY).statusCode())
                    .isEqualTo(503);
            // a client job id cannot be checked against earlier submissions either
            assertThat(kit.submit(dispatcher, ALPHA_KEY, "{\"job_id\": \"x\", \"prompt\": \"a fox\"}")
                            .statusCode())
                    .isEqualTo(503);
        }
    }
}
