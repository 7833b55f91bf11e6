package io.kiln.dispatcher;

import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static io.kiln.dispatcher.DispatcherKit.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Two replicas share one Streams application: each answers for the jobs the other accepted. */
@KilnInfra
class TwoReplicasIT {

    @Test
    void eachReplicaAnswersForAndRecognizesTheOthersJobs(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        try (var kit = new DispatcherKit(kafka, s3)) {
            Dispatcher a = kit.startReady();
            Dispatcher b = kit.startReady("b");
            List<String> jobs = new ArrayList<>();
            // enough jobs to land on every partition, whichever replica folds it
            for (int i = 0; i < 6; i++) {
                String jobId = "replicas-" + i;
                var accepted = kit.submit(
                        i % 2 == 0 ? a : b, ALPHA_KEY, "{\"job_id\": \"" + jobId + "\", \"prompt\": \"a fox\"}");
                assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
                jobs.add(jobId);
            }

            for (String jobId : jobs) {
                for (Dispatcher replica : List.of(a, b)) {
                    await().atMost(Duration.ofSeconds(30))
                            .pollInterval(Duration.ofMillis(100))
                            .untilAsserted(() -> assertThat(json(kit.get(replica, "/v1/jobs/" + jobId, ALPHA_KEY))
                                            .path("status")
                                            .asString())
                                    .isEqualTo("queued"));
                }
            }
            // a repeat sent to the replica that did not write the job is recognized from the status topic
            var repeat = kit.submit(b, ALPHA_KEY, "{\"job_id\": \"replicas-0\", \"prompt\": \"a fox\"}");
            assertThat(repeat.statusCode()).isEqualTo(202);
            var conflict = kit.submit(b, ALPHA_KEY, "{\"job_id\": \"replicas-0\", \"prompt\": \"a wolf\"}");
            assertThat(conflict.statusCode()).isEqualTo(409);
            assertThat(kit.jobRecords("replicas-0")).hasSize(1);
        }
    }
}
