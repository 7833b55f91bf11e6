package io.kiln.dispatcher;

import static io.kiln.dispatcher.DispatcherKit.ALPHA;
import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static io.kiln.dispatcher.DispatcherKit.BETA_KEY;
import static io.kiln.dispatcher.DispatcherKit.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.CancelCommand;
import io.kiln.contracts.Headers;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.S3Uri;
import io.kiln.contracts.Topics;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code DELETE /v1/jobs/{id}} on the real broker: what it writes to the control topic, read back as the worker's
 * {@code ControlListener} reads it, and what it answers. Each test uses job ids of its own.
 */
@KilnInfra
class CancelApiIT {
    private static DispatcherKit kit;
    private static Dispatcher dispatcher;
    private static String bootstrapServers;

    @BeforeAll
    static void start(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        bootstrapServers = kafka.bootstrapServers();
        kit = new DispatcherKit(kafka, s3);
        dispatcher = kit.startReady();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    @Test
    void cancelOfAQueuedJobWritesACancelCommandKeyedByTheJobIdAndAnswers202() throws Exception {
        String jobId = accepted();
        Instant before = Instant.now().minusSeconds(1);

        var response = kit.delete(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json(response).get("job_id").asString()).isEqualTo(jobId);
        assertThat(json(response).get("status").asString()).isEqualTo("queued");
        List<ConsumerRecord<byte[], byte[]>> records = kit.controlRecords(jobId);
        assertThat(records).hasSize(1);
        var record = records.getFirst();
        // as ControlListener reads it: the key is the job id, the value a CancelCommand, its age the record's time
        assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo(jobId);
        CancelCommand command = JsonCodec.readCancel(record.value());
        assertThat(command.reason()).isEqualTo("cancelled through the API by key " + ALPHA);
        assertThat(command.requestedAt()).isBetween(before, Instant.now());
        assertThat(record.timestamp()).isEqualTo(command.requestedAt().toEpochMilli());
        assertThat(header(record, Headers.API_KEY_NAME)).isEqualTo(ALPHA);
    }

    @Test
    void cancelOfARunningJobAnswers202WithTheRunningStatus() throws Exception {
        String jobId = accepted();
        kit.publish(jobId, new JobEvent.Started("sd-1.5", "gpu-0", 1));
        awaitStatus(jobId, job -> assertThat(job.get("status").asString()).isEqualTo("running"));

        var response = kit.delete(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        assertThat(json(response).get("status").asString()).isEqualTo("running");
        assertThat(kit.controlRecords(jobId)).hasSize(1);
    }

    @Test
    void cancelOfASucceededJobAnswers200WithItsStatusAndWritesNothing() throws Exception {
        String jobId = accepted();
        var image = new JobEvent.Succeeded.Image(
                S3Uri.parse("s3://kiln-outputs/" + jobId + "/0.png"),
                URI.create("https://s3.example.com/kiln-outputs/" + jobId + "/0.png"),
                Instant.now().plusSeconds(3600),
                42,
                64,
                64,
                1234,
                "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08");
        kit.publish(jobId, new JobEvent.Succeeded(List.of(image), new JobEvent.Succeeded.Timings(1, 2, 3, 4), 1));
        awaitStatus(jobId, job -> assertThat(job.get("status").asString()).isEqualTo("succeeded"));

        var response = kit.delete(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY);

        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(json(response).get("status").asString()).isEqualTo("succeeded");
        assertThat(json(response).get("images").get(0).get("seed").asLong()).isEqualTo(42);
        assertThat(kit.controlRecords(jobId)).isEmpty();
    }

    @Test
    void aCancelledEventEndsTheJobCancelledAndCancellingAgainWritesNothing() throws Exception {
        String jobId = accepted();
        assertThat(kit.delete(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY).statusCode())
                .isEqualTo(202);
        CancelCommand command =
                JsonCodec.readCancel(kit.controlRecords(jobId).getFirst().value());

        // what the worker publishes once it has read the command
        kit.publish(jobId, new JobEvent.Cancelled(command.reason()));
        awaitStatus(jobId, job -> {
            assertThat(job.get("status").asString()).isEqualTo("cancelled");
            assertThat(job.get("finished_at").isNull()).isFalse();
        });

        var again = kit.delete(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY);
        assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
        assertThat(json(again).get("status").asString()).isEqualTo("cancelled");
        assertThat(kit.controlRecords(jobId)).hasSize(1);
    }

    @Test
    void anotherKeysJobIs404LikeAJobNeverAcceptedAndNothingIsWritten() throws Exception {
        String jobId = accepted();

        var foreign = kit.delete(dispatcher, "/v1/jobs/" + jobId, BETA_KEY);
        var unknown = kit.delete(dispatcher, "/v1/jobs/never-" + jobId, BETA_KEY);

        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(foreign.body()).isEqualTo(unknown.body().replace("never-", ""));
        assertThat(foreign.body())
                .isEqualTo(kit.get(dispatcher, "/v1/jobs/" + jobId, BETA_KEY).body());
        assertThat(kit.controlRecords(jobId)).isEmpty();
        assertThat(kit.controlRecords("never-" + jobId)).isEmpty();
    }

    @Test
    void missingOrUnknownKeyIs401AndWritesNothing() throws Exception {
        String jobId = accepted();
        for (String key : new String[] {null, "not-a-key", ""}) {
            var response = kit.delete(dispatcher, "/v1/jobs/" + jobId, key);
            assertThat(response.statusCode()).as("DELETE with key %s", key).isEqualTo(401);
            assertThat(response.body()).contains("unauthorized").doesNotContain("not-a-key");
        }
        assertThat(kit.controlRecords(jobId)).isEmpty();
    }

    @Test
    void theControlTopicIsCreatedAsTheWorkerCreatesIt() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            var resource =
                    new ConfigResource(ConfigResource.Type.TOPIC, kit.topics().control());
            Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);

            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).isEqualTo("compact,delete");
            assertThat(config.get(TopicConfig.RETENTION_MS_CONFIG).value())
                    .isEqualTo(Long.toString(Topics.CONTROL_RETENTION.toMillis()));
            assertThat(admin.describeTopics(List.of(kit.topics().control()))
                            .allTopicNames()
                            .get()
                            .get(kit.topics().control())
                            .partitions())
                    .hasSize(DispatcherKit.PARTITIONS);
        }
    }

    private static String accepted() throws Exception {
        String jobId = "job-" + UUID.randomUUID();
        var response = kit.submit(
                dispatcher,
                ALPHA_KEY,
                "{\"job_id\": \"" + jobId + "\", \"prompt\": \"a fox\", \"width\": 64, \"height\": 64}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return jobId;
    }

    private static void awaitStatus(String jobId, Consumer<JsonNode> check) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> {
                    var response = kit.get(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY);
                    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
                    check.accept(json(response));
                });
    }

    private static String header(ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
