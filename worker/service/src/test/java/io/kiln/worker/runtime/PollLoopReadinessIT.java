package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.JobEvent;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A worker whose poll loop has failed is not ready from that moment on, and stops without waiting out a grace
 * period for the batch it gives up: while it was winding down, /health/ready went on answering 200 (issue 19,
 * defect 10).
 */
@KilnInfra
class PollLoopReadinessIT {

    @Test
    void aWorkerWhoseLoopFailedIsNotReadyAndStopsAtOnce(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        try (var kit = new WorkerKit(kafka, s3)) {
            Worker worker = kit.startWorker("fenced");
            kit.submit(WorkerKit.tinyJob("long").numInferenceSteps(200).build());
            kit.events().awaitEvent("long", JobEvent.Progress.class, Duration.ofMinutes(1));

            // another instance of the worker takes its transactional id: its next publication fails for good
            kit.fence("fenced");
            kit.submitRaw("garbage", "not json".getBytes(StandardCharsets.UTF_8));
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> worker.fatalFailure().isPresent());

            assertThat(worker.unmetReadiness())
                    .as("readiness once the loop failed")
                    .isNotEmpty();
            long failedAt = System.nanoTime();
            worker.awaitTermination();
            assertThat(Duration.ofNanos(System.nanoTime() - failedAt))
                    .as("time from the failure to the end of the poll thread (the grace period is 10 s)")
                    .isLessThan(Duration.ofSeconds(5));
        }
    }
}
