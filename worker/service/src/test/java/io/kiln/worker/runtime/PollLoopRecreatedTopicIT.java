package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.JobEvent;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import io.kiln.worker.output.ResultManifest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A request without a job id is named after its place in the log, which a topic deleted and created again gives out
 * a second time: the stored result of the first request must not be announced for the second (issue 19, defect 9).
 * The manifest records the hash of the request it answers, and a worker that finds one of another request computes
 * the job anew.
 */
@KilnInfra
class PollLoopRecreatedTopicIT {

    @Test
    void aRequestAtTheSamePlaceOfARecreatedTopicIsComputedNotAnsweredFromTheOldResult(
            KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        try (var kit = new WorkerKit(kafka, s3)) {
            String jobId = kit.jobsTopic() + "-0-0";
            Worker first = kit.startWorker("first");
            kit.submitRaw(0, null, idless("a red fox"));
            kit.events().awaitTerminal(jobId, Duration.ofMinutes(1));
            first.close();
            String firstSha = sha(kit, jobId);

            kit.recreateJobsTopic();
            kit.submitRaw(0, null, idless("a blue whale"));
            kit.startWorker("second", Map.of("KILN_KAFKA_GROUP", kit.group() + "-again"));

            await().atMost(Duration.ofMinutes(1))
                    .until(() -> kit.events().terminal(jobId).size() == 2);
            assertThat(kit.events().of(jobId))
                    .as("the second request ran")
                    .filteredOn(JobEvent.Started.class::isInstance)
                    .hasSize(2);
            var second = (JobEvent.Succeeded) kit.events().terminal(jobId).getLast();
            assertThat(second.images().getFirst().sha256()).isNotEqualTo(firstSha);
            var manifest = ResultManifest.fromJson(kit.object("out/" + jobId + "/result.json"));
            assertThat(manifest.worker()).isEqualTo("second");
        }
    }

    /** A request as a producer other than the dispatcher may write it: no job id, no seed, no key. */
    private static byte[] idless(String prompt) {
        return ("{\"prompt\": \"" + prompt + "\", \"model\": \"tiny\", \"width\": 64, \"height\": 64,"
                        + " \"num_inference_steps\": 2, \"sampler\": \"ddim\"}")
                .getBytes(StandardCharsets.UTF_8);
    }

    private static String sha(WorkerKit kit, String jobId) {
        return ((JobEvent.Succeeded) kit.events().terminal(jobId).getFirst())
                .images()
                .getFirst()
                .sha256();
    }
}
