package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobEvent;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.testing.KilnInfra;
import io.kiln.worker.output.OutageS3;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * S3 goes away for 20 s in the middle of a run and comes back with the same data: the worker holds its jobs in place,
 * retrying at a bounded pace, and finishes each of them once when S3 returns.
 */
@KilnInfra
class StorageOutageIT {
    private static final Logger log = LoggerFactory.getLogger(StorageOutageIT.class);
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    /** Allowance for an upload that was already on the wire when S3 stopped. */
    private static final Duration IN_FLIGHT = Duration.ofSeconds(5);

    private static final int JOBS = 12;
    private static final int STEPS = 8;

    @Test
    void jobsWaitOutATwentySecondOutageAndEachSucceedsOnce(KafkaEndpoint kafka) throws Exception {
        try (var s3 = OutageS3.start();
                var kit = new WorkerKit(kafka, s3.endpoint())) {
            Worker worker = kit.startWorker(
                    "outage",
                    Map.of(
                            "KILN_BATCH_MAX_IMAGES", "4",
                            // long enough that no job leaves for the retry topic: each waits where it is
                            "KILN_RETRY_STORAGE_GIVE_UP_AFTER", "60s",
                            // half the default cap, so that the worker notices S3's return sooner
                            "KILN_RETRY_STORAGE_MAX_BACKOFF", "5s"));
            EventLog events = kit.events();
            List<GenerationRequest> jobs = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                jobs.add(WorkerKit.tinyJob("outage-" + i)
                        .numInferenceSteps(STEPS)
                        .build());
            }
            List<String> ids = jobs.stream().map(GenerationRequest::jobId).toList();

            // half the jobs before the outage; S3 stops once the first of them are done
            jobs.subList(0, JOBS / 2).forEach(kit::submit);
            await().atMost(Duration.ofSeconds(60)).until(() -> succeeded(events, ids) >= 2);
            s3.stop();
            long stoppedAt = System.nanoTime();
            int succeededBefore = succeeded(events, ids);
            log.info("S3 stopped with {} of {} jobs succeeded", succeededBefore, JOBS);

            // the other half arrives while S3 is down; nothing ends until it is back
            jobs.subList(JOBS / 2, JOBS).forEach(kit::submit);
            int endedEarly = settledCount(events, ids);
            assertThat(endedEarly)
                    .as("jobs ended before S3 returned: only the first half existed before it stopped")
                    .isBetween(succeededBefore, JOBS / 2);
            Duration leftOfOutage = OUTAGE.minusNanos(System.nanoTime() - stoppedAt);
            await().during(leftOfOutage.minusSeconds(1))
                    .atMost(leftOfOutage)
                    .until(() -> terminals(events, ids) == endedEarly);
            double retriesDuringOutage = WorkerKit.metric(worker.httpPort(), "kiln_storage_retries_total");
            await().atMost(OUTAGE.plusSeconds(5)).until(() -> System.nanoTime() - stoppedAt >= OUTAGE.toNanos());
            s3.restart();
            long restartedAt = System.nanoTime();
            log.info(
                    "S3 restarted after {} ms; {} jobs had ended, {} S3 retries so far",
                    Duration.ofNanos(restartedAt - stoppedAt).toMillis(),
                    endedEarly,
                    retriesDuringOutage);

            events.awaitAllTerminal(ids, Duration.ofSeconds(60));
            log.info(
                    "all {} jobs ended {} ms after S3 returned",
                    JOBS,
                    Duration.ofNanos(System.nanoTime() - restartedAt).toMillis());

            ids.forEach(kit::assertSucceededOnceWithOneImage);
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(kit.uncommitted()).isEmpty());
            assertThat(kit.deadLetters()).isEmpty();

            int port = worker.httpPort();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(WorkerKit.metric(port, "kiln_jobs_succeeded_total"))
                            .isEqualTo(JOBS));
            // each job taken once: none went to a retry topic, none was redelivered
            assertThat(WorkerKit.metric(port, "kiln_jobs_consumed_total")).isEqualTo(JOBS);
            assertThat(WorkerKit.metric(port, "kiln_jobs_retried_total")).isZero();
            assertThat(WorkerKit.metric(port, "kiln_jobs_failed_total")).isZero();
            // the worker met the outage, and retried at a backoff's pace rather than in a busy loop
            double retries = WorkerKit.metric(port, "kiln_storage_retries_total");
            log.info("S3 retries: {} during the outage, {} in all", retriesDuringOutage, retries);
            assertThat(retriesDuringOutage).as("S3 retries during the outage").isPositive();
            assertThat(retries).as("S3 retries in all").isLessThan(100);
        }
    }

    /**
     * The number of jobs ended once it stops changing for two seconds: an upload that was already on the wire when S3
     * stopped may still end its job.
     */
    private static int settledCount(EventLog events, List<String> ids) {
        AtomicInteger previous = new AtomicInteger(-1);
        await().pollInterval(Duration.ofSeconds(2))
                .atMost(IN_FLIGHT.plusSeconds(5))
                .until(() -> {
                    int now = terminals(events, ids);
                    return previous.getAndSet(now) == now;
                });
        return terminals(events, ids);
    }

    private static int terminals(EventLog events, List<String> ids) {
        return (int) ids.stream().filter(id -> !events.terminal(id).isEmpty()).count();
    }

    private static int succeeded(EventLog events, List<String> ids) {
        return (int) ids.stream()
                .filter(id -> events.terminal(id).stream().anyMatch(JobEvent.Succeeded.class::isInstance))
                .count();
    }
}
