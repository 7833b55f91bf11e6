package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.testing.KilnInfra;
import io.kiln.worker.output.OutageS3;
import io.kiln.worker.output.ResultManifest;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/**
 * A worker whose partitions are revoked while their jobs are still its to finish, here stuck uploading: once the
 * grace period is over, the next owner runs and announces them, and the first worker must not store anything for
 * them any more. Its late uploads would overwrite the announced images and manifest under the same keys, so that
 * the announced sha256 no longer matched the bytes (issue 19, defect 5).
 *
 * <p>The first worker reaches the store through an S3 server of its own over the same files, stopped while its
 * uploads run and started again once the next owner has announced the jobs.
 */
@KilnInfra
class PollLoopRevokedIT {
    private static final List<String> JOBS = IntStream.range(0, WorkerKit.PARTITIONS)
            .mapToObj(p -> "revoked-" + p)
            .toList();

    @Test
    void aWorkerStoresNothingForJobsItsRevokedPartitionsGaveAway(KafkaEndpoint kafka) throws Exception {
        try (var s3 = OutageS3.start();
                var keepersDoor = s3.sharing();
                var kit = new WorkerKit(kafka, s3.endpoint())) {
            Worker keeper = kit.startWorker(
                    "keeper",
                    Map.of(
                            "KILN_S3_ENDPOINT",
                                    keepersDoor.endpoint().endpoint().toString(),
                            "KILN_RETRY_DELAYS", "none",
                            "KILN_RETRY_STORAGE_GIVE_UP_AFTER", "5m",
                            "KILN_RETRY_STORAGE_MAX_BACKOFF", "1s",
                            "KILN_SHUTDOWN_GRACE", "2s",
                            "KILN_BATCH_MAX_DELAY", "1s"));
            await().atMost(Duration.ofMinutes(1))
                    .until(() -> keeper.unmetReadiness().isEmpty());
            keepersDoor.stop();
            for (int partition = 0; partition < WorkerKit.PARTITIONS; partition++) {
                kit.submitTo(partition, WorkerKit.tinyJob(JOBS.get(partition)).build());
            }
            EventLog events = kit.events();
            JOBS.forEach(id -> events.awaitEvent(id, JobEvent.Started.class, Duration.ofMinutes(1)));

            // a second worker joins: half the partitions move to it, with jobs the keeper cannot store
            kit.startWorker("taker", Map.of("KILN_RETRY_DELAYS", "none"));
            await().atMost(Duration.ofMinutes(2)).until(() -> ended(events) >= WorkerKit.PARTITIONS / 2);
            keepersDoor.restart();
            events.awaitAllTerminal(JOBS, Duration.ofMinutes(2));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(kit.uncommitted()).isEmpty());
            // time for the keeper's held uploads, had it kept any, to reach the store now that it is back
            await().pollDelay(Duration.ofSeconds(10))
                    .atMost(Duration.ofSeconds(15))
                    .until(() -> true);

            Map<String, String> announcedBy = announcers(kit.eventEnvelopes());
            assertThat(announcedBy.values()).as("both workers announced jobs").contains("keeper", "taker");
            for (String id : JOBS) {
                kit.assertSucceededOnceWithOneImage(id);
                var image = ((JobEvent.Succeeded) events.terminal(id).getFirst())
                        .images()
                        .getFirst();
                var manifest = ResultManifest.fromJson(kit.object("out/" + id + "/result.json"));
                assertThat(manifest.worker()).as("who stored %s's manifest", id).isEqualTo(announcedBy.get(id));
                assertThat(sha256(kit.object(image.uri().key())))
                        .as("%s's stored PNG", id)
                        .isEqualTo(image.sha256());
            }
        }
    }

    private static long ended(EventLog events) {
        return JOBS.stream().filter(id -> !events.terminal(id).isEmpty()).count();
    }

    /** The worker that sent each job's terminal event, from its envelope's source {@code /kiln/workers/<id>}. */
    private static Map<String, String> announcers(List<JobEventEnvelope> envelopes) {
        return envelopes.stream()
                .filter(e -> EventLog.isTerminal(e.data()))
                .collect(java.util.stream.Collectors.toMap(
                        JobEventEnvelope::subject,
                        e -> e.source().getPath().substring(e.source().getPath().lastIndexOf('/') + 1)));
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
