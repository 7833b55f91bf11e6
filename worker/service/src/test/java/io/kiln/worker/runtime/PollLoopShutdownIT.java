package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.contracts.JobEvent;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stopping a worker whose batch outlasts the grace period takes that one period, not two: the revocation that
 * leaving the group runs must not wait a second grace for the jobs the shutdown already gave up (issue 19,
 * defect 6). Kubernetes' terminationGracePeriodSeconds is sized on it (docs/WORKER.md).
 */
@KilnInfra
class PollLoopShutdownIT {
    private static final Logger log = LoggerFactory.getLogger(PollLoopShutdownIT.class);
    private static final Duration GRACE = Duration.ofSeconds(8);

    @Test
    void stoppingMidBatchTakesOneGracePeriod(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        try (var kit = new WorkerKit(kafka, s3)) {
            Worker worker = kit.startWorker("stopping", Map.of("KILN_SHUTDOWN_GRACE", GRACE.toSeconds() + "s"));
            // far longer than the grace period
            kit.submit(WorkerKit.tinyJob("long").numInferenceSteps(200).build());
            kit.events().awaitEvent("long", JobEvent.Progress.class, Duration.ofMinutes(1));

            long start = System.nanoTime();
            worker.close();
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            log.info("the worker stopped in {} ms with a grace of {}", took.toMillis(), GRACE);

            assertThat(took).as("time to stop").isGreaterThanOrEqualTo(GRACE).isLessThan(GRACE.plusSeconds(5));
            assertThat(kit.events().terminal("long"))
                    .as("the job is left for the next worker")
                    .isEmpty();
            assertThat(kit.uncommitted()).as("records not committed").isNotEmpty();
        }
    }
}
