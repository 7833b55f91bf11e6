package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * SIGTERM, as an autoscaler stops a worker: it stops taking jobs, finishes the running batch within its grace period,
 * commits it and leaves the group; the jobs it had not started go to the next worker, and every job ends once.
 */
@KilnInfra
class GracefulShutdownIT {
    private static final String A = "leaving";
    private static final String B = "staying";

    @Test
    void aStoppedWorkerFinishesItsBatchAndLeavesTheRestToTheGroup(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        try (var kit = new WorkerKit(kafka, s3)) {
            EventLog events = kit.events();
            Map<String, String> settings = Map.of("KILN_BATCH_MAX_IMAGES", "4", "KILN_SHUTDOWN_GRACE", "60s");
            List<GenerationRequest> jobs = IntStream.range(0, 8)
                    .mapToObj(i ->
                            WorkerKit.tinyJob("stop-" + i).numInferenceSteps(30).build())
                    .toList();
            List<String> ids = jobs.stream().map(GenerationRequest::jobId).toList();

            List<String> running;
            try (var workerA = WorkerCrashIT.CrashWorkerProcess.start(kit, A, settings)) {
                jobs.forEach(kit::submit);
                await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> {
                            workerA.requireAlive();
                            return ids.stream().anyMatch(id -> events.of(id).stream()
                                    .anyMatch(JobEvent.Progress.class::isInstance));
                        });
                running = ids.stream()
                        .filter(id -> events.of(id).stream().anyMatch(JobEvent.Started.class::isInstance))
                        .toList();

                int exit = workerA.terminate(Duration.ofSeconds(60));

                assertThat(exit).as("exit code after SIGTERM").isIn(0, 143);
            }
            assertThat(running).as("the batch running at SIGTERM").isNotEmpty();
            Map<String, JobEventEnvelope> settledByA = terminals(kit);
            for (String id : running) {
                assertThat(settledByA.get(id))
                        .as("%s, running at SIGTERM, ended before A exited", id)
                        .isNotNull();
                assertThat(settledByA.get(id).source().toString()).isEqualTo("/kiln/workers/" + A);
                assertThat(settledByA.get(id).data()).isInstanceOf(JobEvent.Succeeded.class);
            }

            kit.startWorker(B, settings);
            events.awaitAllTerminal(ids, Duration.ofSeconds(90));

            for (String id : ids) {
                assertThat(events.terminal(id)).as(id).singleElement().isInstanceOf(JobEvent.Succeeded.class);
            }
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(kit.uncommitted()).isEmpty());
        }
    }

    private static Map<String, JobEventEnvelope> terminals(WorkerKit kit) {
        return kit.eventEnvelopes().stream()
                .filter(envelope -> EventLog.isTerminal(envelope.data()))
                .collect(Collectors.toMap(JobEventEnvelope::subject, envelope -> envelope));
    }
}
