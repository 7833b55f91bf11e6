package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.Headers;
import io.kiln.contracts.JobEvent;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** Bad records among good ones: each bad one lands in the dead-letter topic as it came, and the good jobs succeed. */
@KilnInfra
class PoisonIT {

    @Test
    void poisonGoesToTheDeadLetterTopicWithItsTrailAndGoodJobsSucceed(KafkaEndpoint kafka, S3Endpoint s3)
            throws Exception {
        try (var kit = new WorkerKit(kafka, s3)) {
            Worker worker = kit.startWorker("poison");
            EventLog events = kit.events();
            byte[] garbage = {(byte) 0xff, 0x00, (byte) 0xfe, 0x13, 0x37};
            byte[] malformed = "{\"prompt\": \"a cat\",".getBytes(StandardCharsets.UTF_8);
            byte[] invalid = "{\"job_id\": \"bad-schema\", \"prompt\": \"a cat\", \"width\": 65, \"num_images\": 0}"
                    .getBytes(StandardCharsets.UTF_8);
            List<String> good = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                String id = "good-" + i;
                good.add(id);
                kit.submit(WorkerKit.tinyJob(id).build());
                switch (i) {
                    case 0 -> kit.submitRaw("garbage", garbage);
                    case 1 -> kit.submitRaw("malformed", malformed);
                    case 2 -> kit.submitRaw("bad-schema", invalid);
                    case 3 ->
                        kit.submit(
                                WorkerKit.tinyJob("other-model").model("sd-xl").build());
                    case 4 ->
                        kit.submit(WorkerKit.tinyJob("eta-on-euler")
                                .sampler(io.kiln.contracts.Sampler.EULER)
                                .eta(0.5)
                                .build());
                    default -> {}
                }
            }

            events.awaitAllTerminal(good, Duration.ofMinutes(2));
            events.awaitAllTerminal(
                    List.of("garbage", "malformed", "bad-schema", "other-model", "eta-on-euler"),
                    Duration.ofSeconds(30));

            good.forEach(id -> assertThat(events.terminal(id)).singleElement().isInstanceOf(JobEvent.Succeeded.class));
            assertThat(failure(events, "garbage").code()).isEqualTo(ErrorCode.INVALID_REQUEST);
            assertThat(failure(events, "malformed").message()).contains("malformed JSON");
            assertThat(failure(events, "bad-schema").message())
                    .contains("width: must be a multiple of 8")
                    .contains("num_images: must be between 1 and 8");
            assertThat(failure(events, "other-model").code()).isEqualTo(ErrorCode.UNKNOWN_MODEL);
            assertThat(failure(events, "eta-on-euler").message()).startsWith("eta:");
            assertThat(List.of("garbage", "malformed", "bad-schema", "other-model", "eta-on-euler"))
                    .as("each failure says where its request waits")
                    .allSatisfy(id ->
                            assertThat(failure(events, id).deadLetterTopic()).isEqualTo(kit.deadLetterTopic()));

            Map<String, ConsumerRecord<byte[], byte[]>> dead = kit.deadLetters().stream()
                    .collect(Collectors.toMap(r -> header(r, Headers.JOB_ID), Function.identity()));
            assertThat(dead).containsOnlyKeys("garbage", "malformed", "bad-schema", "other-model", "eta-on-euler");
            ConsumerRecord<byte[], byte[]> letter = dead.get("garbage");
            assertThat(letter.value()).isEqualTo(garbage);
            assertThat(new String(letter.key(), StandardCharsets.UTF_8)).isEqualTo("garbage");
            assertThat(header(letter, Headers.ORIGINAL_TOPIC)).isEqualTo(kit.jobsTopic());
            assertThat(letter.partition()).isEqualTo(Integer.parseInt(header(letter, Headers.ORIGINAL_PARTITION)));
            assertThat(Long.parseLong(header(letter, Headers.ORIGINAL_OFFSET))).isNotNegative();
            assertThat(header(letter, Headers.EXCEPTION_CLASS)).isEqualTo("io.kiln.worker.failure.JobFailure");
            assertThat(header(letter, Headers.EXCEPTION_MESSAGE)).contains("$:");
            assertThat(header(letter, Headers.ATTEMPT)).isEqualTo("1");
            assertThat(Instant.parse(header(letter, Headers.FAILED_AT))).isBefore(Instant.now());
            assertThat(dead.get("malformed").value()).isEqualTo(malformed);

            // each dead letter went out with a failed event, and both are counted
            int port = worker.httpPort();
            await().atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(WorkerKit.metric(port, "kiln_jobs_dead_lettered_total"))
                            .isEqualTo(5));
            assertThat(WorkerKit.metric(port, "kiln_jobs_failed_total")).isEqualTo(5);
        }
    }

    private static JobEvent.Failed failure(EventLog events, String jobId) {
        return (JobEvent.Failed) events.terminal(jobId).getFirst();
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
