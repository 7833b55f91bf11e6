package io.kiln.dispatcher;

import static io.kiln.dispatcher.DispatcherKit.ALPHA;
import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static io.kiln.dispatcher.DispatcherKit.BETA;
import static io.kiln.dispatcher.DispatcherKit.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.JobEvent;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /metrics} of a real dispatcher, on its own port and without a key; the tests run one after another. */
@KilnInfra
class MetricsIT {
    private static KafkaEndpoint kafka;
    private static DispatcherKit kit;
    private static Dispatcher dispatcher;

    @BeforeAll
    static void start(KafkaEndpoint endpoint, S3Endpoint s3) throws Exception {
        kafka = endpoint;
        kit = new DispatcherKit(kafka, s3);
        dispatcher = kit.startReady();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    @Test
    void countsAndTimesRequestsByRouteTemplateAndStatusAndByKeyNameNeverByPathOrKey() throws Exception {
        String jobId = accepted();
        assertThat(kit.get(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY).statusCode())
                .isEqualTo(200);
        assertThat(kit.get(dispatcher, "/v1/jobs/never-" + jobId, ALPHA_KEY).statusCode())
                .isEqualTo(404);
        assertThat(kit.get(dispatcher, "/v1/jobs/" + jobId, "not-a-key").statusCode())
                .isEqualTo(401);
        assertThat(kit.get(dispatcher, "/v1/" + jobId, ALPHA_KEY).statusCode()).isEqualTo(404);

        var scrape = kit.metrics(dispatcher);
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain"));
        String text = scrape.body();
        assertThat(value(text, "kiln_http_requests_seconds_count{method=\"POST\",route=\"/v1/jobs\",status=\"202\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(
                        text,
                        "kiln_http_requests_seconds_count{method=\"GET\",route=\"/v1/jobs/{id}\",status=\"200\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(
                        text,
                        "kiln_http_requests_seconds_count{method=\"GET\",route=\"/v1/jobs/{id}\",status=\"404\"}"))
                .isGreaterThanOrEqualTo(1);
        // refused before its handler ran, a request still counts under the route it asked for
        assertThat(value(
                        text,
                        "kiln_http_requests_seconds_count{method=\"GET\",route=\"/v1/jobs/{id}\",status=\"401\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(value(text, "kiln_http_requests_seconds_count{method=\"GET\",route=\"unmatched\",status=\"404\"}"))
                .isGreaterThanOrEqualTo(1);
        assertThat(text)
                .contains("kiln_http_requests_seconds_bucket{method=\"GET\",route=\"/v1/jobs/{id}\",status=\"200\",le=")
                .doesNotContain(jobId)
                .doesNotContain(ALPHA_KEY)
                .doesNotContain("not-a-key");
        assertThat(value(text, "kiln_api_key_requests_total{key=\"" + ALPHA + "\"}"))
                .isGreaterThanOrEqualTo(3);
        // every key's series is there from the start
        assertThat(value(text, "kiln_api_key_requests_total{key=\"" + BETA + "\"}"))
                .isZero();
        assertThat(value(text, "kiln_api_key_rate_limited_total{key=\"" + BETA + "\"}"))
                .isZero();
    }

    @Test
    void queueLagIsWhatTheWorkersGroupHasNotCommittedOnTheJobTopic() throws Exception {
        accepted();
        accepted();
        String lag = "kiln_queue_lag_jobs{group=\"" + kit.workerGroup() + "\",topic=\""
                + kit.topics().jobs() + "\"}";
        int written = kit.jobRecords().size();
        // the figure is asked of Kafka at most every few seconds
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() ->
                        assertThat(value(kit.metrics(dispatcher).body(), lag)).isEqualTo(written));

        commitAllButOneAsTheWorkers();

        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() ->
                        assertThat(value(kit.metrics(dispatcher).body(), lag)).isEqualTo(1));
    }

    @Test
    void jobsByStatusFollowEachJobFromStateToState() throws Exception {
        Map<String, Double> before = jobCounts();
        String running = accepted();
        String failed = accepted();
        accepted();
        kit.publish(running, new JobEvent.Started("sd-1.5", "gpu-0", 1));
        kit.publish(failed, new JobEvent.Started("sd-1.5", "gpu-0", 1));
        kit.publish(failed, new JobEvent.Failed(ErrorCode.INVALID_REQUEST, "no", false, 1));

        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(200))
                .untilAsserted(() -> {
                    Map<String, Double> after = jobCounts();
                    assertThat(after.get("queued") - before.get("queued")).isEqualTo(1);
                    assertThat(after.get("running") - before.get("running")).isEqualTo(1);
                    assertThat(after.get("failed") - before.get("failed")).isEqualTo(1);
                    assertThat(after.get("succeeded") - before.get("succeeded")).isZero();
                    assertThat(after.get("cancelled") - before.get("cancelled")).isZero();
                });
    }

    private static Map<String, Double> jobCounts() throws Exception {
        String text = kit.metrics(dispatcher).body();
        Map<String, Double> counts = new HashMap<>();
        for (String state : new String[] {"queued", "running", "succeeded", "failed", "cancelled"}) {
            counts.put(state, value(text, "kiln_jobs{status=\"" + state + "\"}"));
        }
        return counts;
    }

    /** Commits, as the workers' group would, every record of the job topic but the last of one partition. */
    private static void commitAllButOneAsTheWorkers() {
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.GROUP_ID_CONFIG, kit.workerGroup(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            var partitions = consumer.partitionsFor(kit.topics().jobs()).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, OffsetAndMetadata> done = new HashMap<>();
            boolean leftOne = false;
            for (TopicPartition partition : partitions) {
                long offset = end.get(partition);
                if (!leftOne && offset > 0) {
                    offset--;
                    leftOne = true;
                }
                done.put(partition, new OffsetAndMetadata(offset));
            }
            consumer.commitSync(done);
        }
    }

    private static String accepted() throws Exception {
        var response = kit.submit(
                dispatcher,
                ALPHA_KEY,
                "{\"job_id\": \"job-" + UUID.randomUUID() + "\", \"prompt\":"
                        + " \"a fox\", \"width\": 64, \"height\": 64}");
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return json(response).get("job_id").asString();
    }

    /** The value of the sample {@code series} (name and labels exactly as written) in a Prometheus scrape. */
    private static double value(String scrape, String series) {
        Matcher line = Pattern.compile("^" + Pattern.quote(series) + " (\\S+)$", Pattern.MULTILINE)
                .matcher(scrape);
        assertThat(line.find()).as("%s in%n%s", series, scrape).isTrue();
        return Double.parseDouble(line.group(1));
    }
}
