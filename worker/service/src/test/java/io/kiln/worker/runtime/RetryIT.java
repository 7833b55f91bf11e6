package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.Headers;
import io.kiln.contracts.JobEvent;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.testing.KilnInfra;
import io.kiln.worker.output.OutageS3;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * A job whose attempt fails for a passing cause travels the retry topics, each attempt waiting out its delay, and
 * ends either succeeded once the cause passed or, its attempts spent, in the dead-letter topic with a {@code failed}
 * event that says it may be retried.
 */
@KilnInfra
class RetryIT {
    /** S3 gives up within a second, and each retry waits a second: three attempts in a few seconds. */
    private static final Map<String, String> QUICK_RETRIES = Map.of(
            "KILN_RETRY_DELAYS", "1s,1s",
            "KILN_RETRY_STORAGE_GIVE_UP_AFTER", "1s",
            "KILN_RETRY_STORAGE_INITIAL_BACKOFF", "100ms",
            "KILN_RETRY_STORAGE_MAX_BACKOFF", "200ms");

    @Test
    void aJobWhoseAttemptsAllFailEndsInTheDeadLetterTopicMarkedRetriable(KafkaEndpoint kafka) throws Exception {
        try (var s3 = OutageS3.start();
                var kit = new WorkerKit(kafka, s3.endpoint())) {
            s3.stop();
            kit.startWorker("retry-dead", QUICK_RETRIES);
            Instant submitted = Instant.now();
            kit.submit(WorkerKit.tinyJob("doomed").build());

            var failed = (JobEvent.Failed) kit.events().awaitTerminal("doomed", Duration.ofSeconds(60));

            assertThat(failed.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
            assertThat(failed.retriable()).isTrue();
            assertThat(failed.attempts()).isEqualTo(3);
            assertThat(failed.deadLetterTopic()).isEqualTo(kit.deadLetterTopic());
            assertThat(kit.events().terminal("doomed")).hasSize(1);
            List<ConsumerRecord<byte[], byte[]>> retries = List.of(
                    single(kit.readAll(kit.jobsTopic() + "-retry-1")),
                    single(kit.readAll(kit.jobsTopic() + "-retry-2")));
            assertThat(retries).extracting(r -> header(r, Headers.ATTEMPT)).containsExactly("2", "3");
            for (ConsumerRecord<byte[], byte[]> retry : retries) {
                assertThat(Instant.parse(header(retry, Headers.NOT_BEFORE)))
                        .isAfter(Instant.parse(header(retry, Headers.FAILED_AT)));
                assertThat(header(retry, Headers.ORIGINAL_TOPIC)).isEqualTo(kit.jobsTopic());
            }
            ConsumerRecord<byte[], byte[]> letter = single(kit.deadLetters());
            assertThat(header(letter, Headers.ATTEMPT)).isEqualTo("3");
            assertThat(header(letter, Headers.JOB_ID)).isEqualTo("doomed");
            assertThat(header(letter, Headers.EXCEPTION_MESSAGE)).contains("gave up");
            assertThat(Instant.parse(header(letter, Headers.FAILED_AT)))
                    .as("two retry delays passed")
                    .isAfter(submitted.plusSeconds(2));
        }
    }

    @Test
    void aJobRetriedAfterTheCausePassedSucceedsOnce(KafkaEndpoint kafka) throws Exception {
        try (var s3 = OutageS3.start();
                var kit = new WorkerKit(kafka, s3.endpoint())) {
            s3.stop();
            kit.startWorker(
                    "retry-back",
                    Map.of(
                            "KILN_RETRY_DELAYS", "3s,3s",
                            "KILN_RETRY_STORAGE_GIVE_UP_AFTER", "1s",
                            "KILN_RETRY_STORAGE_INITIAL_BACKOFF", "100ms",
                            "KILN_RETRY_STORAGE_MAX_BACKOFF", "200ms"));
            kit.submit(WorkerKit.tinyJob("phoenix").build());
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> !kit.readAll(kit.jobsTopic() + "-retry-1").isEmpty());

            s3.restart();
            var succeeded = kit.events().awaitTerminal("phoenix", Duration.ofSeconds(60));

            assertThat(succeeded).isInstanceOf(JobEvent.Succeeded.class);
            assertThat(kit.events().terminal("phoenix")).hasSize(1);
            // attempts that could not even check S3 for an earlier result never started computing
            assertThat(kit.events().of("phoenix").stream()
                            .filter(JobEvent.Started.class::isInstance)
                            .map(e -> ((JobEvent.Started) e).attempt()))
                    .singleElement()
                    .satisfies(attempt -> assertThat(attempt).isGreaterThan(1));
            assertThat(kit.deadLetters()).isEmpty();
        }
    }

    private static ConsumerRecord<byte[], byte[]> single(List<ConsumerRecord<byte[], byte[]>> records) {
        assertThat(records).hasSize(1);
        return records.getFirst();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
