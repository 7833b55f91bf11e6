package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobEvent;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Jobs through two workers of one group, end to end on the real broker and S3 server. */
@KilnInfra
class WorkerFlowIT {

    @Test
    void fortyJobsOverThreeKeysEachEndOnceWithImagesAndCommittedOffsets(KafkaEndpoint kafka, S3Endpoint s3)
            throws Exception {
        try (var kit = new WorkerKit(kafka, s3)) {
            kit.startWorker("flow-a");
            kit.startWorker("flow-b");
            EventLog events = kit.events();
            List<GenerationRequest> jobs = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                // three compatibility keys: 64×64 at 2 steps, 64×64 at 3 steps, 72×64 at 2 steps
                var job = WorkerKit.tinyJob("flow-" + i);
                switch (i % 3) {
                    case 1 -> job.numInferenceSteps(3);
                    case 2 -> job.width(72);
                    default -> {}
                }
                if (i % 7 == 0) {
                    job.numImages(2);
                }
                jobs.add(job.build());
            }
            jobs.forEach(kit::submit);

            events.awaitAllTerminal(jobs.stream().map(GenerationRequest::jobId).toList(), Duration.ofMinutes(3));

            List<Integer> batchSizes = new ArrayList<>();
            for (GenerationRequest job : jobs) {
                assertThat(events.terminal(job.jobId())).as(job.jobId()).hasSize(1);
                var succeeded =
                        (JobEvent.Succeeded) events.terminal(job.jobId()).getFirst();
                assertThat(succeeded.images()).hasSize(job.numImages());
                for (int k = 0; k < job.numImages(); k++) {
                    var image = succeeded.images().get(k);
                    assertThat(image.uri().key()).isEqualTo("out/" + job.jobId() + "/" + k + ".png");
                    assertThat(image.seed()).isEqualTo(job.seed() + k);
                    assertThat(image.width()).isEqualTo(job.width());
                    assertThat(kit.object(image.uri().key())).hasSize((int) image.sizeBytes());
                }
                assertThat(kit.objectKeys("out/" + job.jobId() + "/")).contains("out/" + job.jobId() + "/result.json");
                assertThat(events.of(job.jobId()).getFirst()).isInstanceOf(JobEvent.Started.class);
                batchSizes.add(succeeded.batchSize());
            }
            assertThat(batchSizes).as("images per batch").anyMatch(size -> size > 2);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(kit.committedOffsets()).isEqualTo(kit.endOffsets()));
            assertThat(kit.deadLetters()).isEmpty();
        }
    }

    @Test
    void healthAndMetricsAnswerOverHttp(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        try (var kit = new WorkerKit(kafka, s3);
                HttpClient http = HttpClient.newHttpClient()) {
            Worker worker = kit.startWorker("ops");
            String base = "http://127.0.0.1:" + worker.httpPort();
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> get(http, base + "/health/ready").statusCode() == 200);

            kit.submit(WorkerKit.tinyJob("ops-1").build());
            kit.events().awaitTerminal("ops-1", Duration.ofSeconds(60));

            assertThat(get(http, base + "/health/live").statusCode()).isEqualTo(200);
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(get(http, base + "/metrics").body())
                            .containsPattern("(?m)^kiln_jobs_succeeded_total\\S* 1(\\.0)?$")
                            .containsPattern("(?m)^kiln_batch_size_images_count\\S* 1(\\.0)?$")
                            // written after the worker joined, the job cannot have run elsewhere: no S3 read
                            .containsPattern("(?m)^kiln_manifest_lookups_total\\S* 0(\\.0)?$"));
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
    }
}
