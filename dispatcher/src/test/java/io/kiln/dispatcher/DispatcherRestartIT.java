package io.kiln.dispatcher;

import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static io.kiln.dispatcher.DispatcherKit.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.JobEvent;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Job status lives in Kafka, not in a dispatcher's memory. */
@KilnInfra
class DispatcherRestartIT {

    @Test
    void statusAndIdempotencySurviveARestart(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        try (var kit = new DispatcherKit(kafka, s3)) {
            Dispatcher first = kit.startReady();
            String queuedBody = "{\"job_id\": \"restart-queued\", \"prompt\": \"a fox\"}";
            assertThat(kit.submit(first, ALPHA_KEY, queuedBody).statusCode()).isEqualTo(202);
            var running = kit.submit(first, ALPHA_KEY, "{\"job_id\": \"restart-running\", \"prompt\": \"a fox\"}");
            assertThat(running.statusCode()).isEqualTo(202);
            kit.publish("restart-running", new JobEvent.Started("sd-1.5", "gpu-0", 1));
            await().atMost(Duration.ofSeconds(20))
                    .untilAsserted(() -> assertThat(json(kit.get(first, "/v1/jobs/restart-running", ALPHA_KEY))
                                    .get("status")
                                    .asString())
                            .isEqualTo("running"));
            String acceptedAt = json(kit.get(first, "/v1/jobs/restart-queued", ALPHA_KEY))
                    .get("accepted_at")
                    .asString();
            first.close();

            Dispatcher second = kit.startReady();

            var queued = kit.get(second, "/v1/jobs/restart-queued", ALPHA_KEY);
            assertThat(queued.statusCode()).as(queued.body()).isEqualTo(200);
            assertThat(json(queued).get("status").asString()).isEqualTo("queued");
            assertThat(json(queued).get("accepted_at").asString()).isEqualTo(acceptedAt);
            assertThat(json(kit.get(second, "/v1/jobs/restart-running", ALPHA_KEY))
                            .get("status")
                            .asString())
                    .isEqualTo("running");
            // the new replica never wrote these: it knows them from the status topic alone
            assertThat(kit.submit(second, ALPHA_KEY, queuedBody).statusCode()).isEqualTo(202);
            assertThat(kit.submit(second, ALPHA_KEY, "{\"job_id\": \"restart-queued\", \"prompt\": \"a wolf\"}")
                            .statusCode())
                    .isEqualTo(409);
            assertThat(kit.jobRecords("restart-queued")).hasSize(1);
        }
    }
}
