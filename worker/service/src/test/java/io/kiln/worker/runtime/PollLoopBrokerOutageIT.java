package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobEvent;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import io.kiln.worker.kafka.OutageKafka;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The broker stops answering for 20 s while batches run and end (its process suspended: connections stay open and
 * requests time out, as in a long pause or a network partition), longer than a send or a commit waits for it (5 s
 * here, an operator's timeouts) and than a transaction may stay open (10 s): the worker waits, publishing nothing
 * twice, and each job succeeds once (issue 19, defect 4). A commit that timed out is retried, as kafka-clients
 * documents; a transaction the coordinator aborted meanwhile is aborted here too and its outcomes published anew.
 */
@KilnInfra
class PollLoopBrokerOutageIT {
    private static final Logger log = LoggerFactory.getLogger(PollLoopBrokerOutageIT.class);
    private static final Duration OUTAGE = Duration.ofSeconds(20);
    private static final int JOBS = 8;

    @Test
    void aBrokerSilentForTwentySecondsIsWaitedOutAndEachJobSucceedsOnce(S3Endpoint s3) throws Exception {
        try (var kafka = OutageKafka.start();
                var kit = new WorkerKit(kafka.endpoint(), s3)) {
            Worker worker = kit.startWorker(
                    "outage",
                    Map.of(
                            "KILN_BATCH_MAX_IMAGES", "2",
                            // the clients wait for the broker 5 s at a time (a commit, a send), so that the outage
                            // outlasts several waits; at the defaults a send waits up to 2 min
                            "KILN_KAFKA_CLIENT_MAX_BLOCK_MS", "5000",
                            "KILN_KAFKA_CLIENT_REQUEST_TIMEOUT_MS", "3000",
                            "KILN_KAFKA_CLIENT_DELIVERY_TIMEOUT_MS", "5000",
                            // the member outlives the outage, so that its jobs are not moved (to itself) meanwhile
                            "KILN_KAFKA_CLIENT_SESSION_TIMEOUT_MS", "45000",
                            "KILN_RETRY_BROKER_GIVE_UP_AFTER", "2m"));
            EventLog events = kit.events();
            List<String> ids = new ArrayList<>();
            for (int i = 0; i < JOBS; i++) {
                GenerationRequest job = WorkerKit.tinyJob("broker-outage-" + i)
                        .numInferenceSteps(40)
                        .build();
                ids.add(job.jobId());
                kit.submit(job);
            }
            // the first batch of two is published; three more are to come, each some seconds long, ending in the outage
            await().atMost(Duration.ofMinutes(2)).until(() -> ids.stream()
                    .anyMatch(id -> !events.terminal(id).isEmpty()));
            assertThat(ids.stream().filter(id -> events.terminal(id).isEmpty()))
                    .as("jobs the outage meets")
                    .hasSizeGreaterThan(JOBS / 2);

            kafka.freeze();
            log.info("broker frozen");
            try {
                await().during(OUTAGE)
                        .atMost(OUTAGE.plusSeconds(10))
                        .untilAsserted(() -> assertThat(worker.fatalFailure()).isEmpty());
            } finally {
                kafka.thaw();
                log.info("broker thawed");
            }

            events.awaitAllTerminal(ids, Duration.ofMinutes(3));
            assertThat(worker.fatalFailure()).isEmpty();
            ids.forEach(kit::assertSucceededOnceWithOneImage);
            await().atMost(Duration.ofMinutes(1))
                    .untilAsserted(() -> assertThat(kit.uncommitted()).isEmpty());
            assertThat(kit.deadLetters()).isEmpty();
            assertThat(events.jobs()).containsExactlyInAnyOrderElementsOf(ids);
            assertThat(ids)
                    .allSatisfy(id ->
                            assertThat(events.terminal(id)).singleElement().isInstanceOf(JobEvent.Succeeded.class));
        }
    }
}
