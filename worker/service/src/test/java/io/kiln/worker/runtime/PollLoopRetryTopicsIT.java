package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.contracts.JobEvent;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Jobs waiting on a retry topic that today's {@code retry.delays} no longer names (an operator shortened the list)
 * are still run: the worker reads every {@code <jobs>-retry-N} that exists (issue 19, defect 8). Were it to read only
 * the topics of today's policy, they would wait there for ever.
 */
@KilnInfra
class PollLoopRetryTopicsIT {

    @Test
    void aJobOnARetryTopicBeyondTodaysPolicyStillRuns(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        try (var kit = new WorkerKit(kafka, s3)) {
            String thirdRetry = kit.jobsTopic() + "-retry-3";
            kit.createTopic(thirdRetry);
            kit.submitRetry(thirdRetry, WorkerKit.tinyJob("stranded").build(), 4);

            kit.startWorker("one-retry", Map.of("KILN_RETRY_DELAYS", "1s"));

            var ended = kit.events().awaitTerminal("stranded", Duration.ofMinutes(1));
            assertThat(ended).isInstanceOf(JobEvent.Succeeded.class);
            assertThat(kit.events().of("stranded"))
                    .filteredOn(JobEvent.Started.class::isInstance)
                    .singleElement()
                    .satisfies(started ->
                            assertThat(((JobEvent.Started) started).attempt()).isEqualTo(4));
        }
    }
}
