package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.contracts.JobEvent;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * {@code priority} is "higher runs first" (docs/CONTRACTS.md): a job of priority 10 that arrives behind a queue of
 * priority-0 jobs starts as soon as the engine is free, ahead of them (issue 19, defect 11). That it does not starve
 * them for ever is the batcher's starvation limit, checked in MicroBatcherTest.
 */
@KilnInfra
class PollLoopPriorityIT {
    private static final int LOW = 6;

    @Test
    void aHighPriorityJobOvertakesTheQueue(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        try (var kit = new WorkerKit(kafka, s3)) {
            // one job per batch, so that the order of batches is the order of jobs
            kit.startWorker("priority", Map.of("KILN_BATCH_MAX_IMAGES", "1"));
            List<String> low = new ArrayList<>();
            for (int i = 0; i < LOW; i++) {
                low.add("low-" + i);
                kit.submitTo(
                        0, WorkerKit.tinyJob("low-" + i).numInferenceSteps(10).build());
            }
            kit.submitTo(
                    0,
                    WorkerKit.tinyJob("high").numInferenceSteps(10).priority(10).build());

            EventLog events = kit.events();
            events.awaitAllTerminal(List.of("high"), Duration.ofMinutes(2));
            events.awaitAllTerminal(low, Duration.ofMinutes(2));

            Instant high = events.timeOf("high", JobEvent.Started.class::isInstance);
            long overtaken = low.stream()
                    .filter(id -> events.timeOf(id, JobEvent.Started.class::isInstance)
                            .isAfter(high))
                    .count();
            // the first one or two may have started before the high-priority job was taken
            assertThat(overtaken)
                    .as("low-priority jobs started after the high-priority one")
                    .isGreaterThanOrEqualTo(LOW - 2);
        }
    }
}
