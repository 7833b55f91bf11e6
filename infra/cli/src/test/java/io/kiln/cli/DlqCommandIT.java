package io.kiln.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.Headers;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.testing.KilnInfra;
import io.kiln.worker.kafka.WholeTopic;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code kiln dlq list} and {@code replay} against a real broker, with dead letters written by hand. */
@KilnInfra
class DlqCommandIT {

    private static final byte[] PNG = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n', (byte) 0xfe, 0};
    private static final String FOX = "{\"schema_version\": 1, \"job_id\": \"job-fox\", \"prompt\": \"a red fox in"
            + " snow, golden hour, highly detailed, 35mm photograph\", \"seed\": 3045213189}";

    private KafkaEndpoint kafka;
    // unique per test, so that tests share the broker and nothing else
    private String dlt;
    private String jobs;

    @BeforeEach
    void createTopics(KafkaEndpoint kafka) throws Exception {
        this.kafka = kafka;
        String run = UUID.randomUUID().toString();
        dlt = "jobs-" + run + ".DLT";
        jobs = "jobs-" + run;
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(dlt, 2, (short) 1), new NewTopic(jobs, 3, (short) 1)))
                    .all()
                    .get(30, SECONDS);
        }
    }

    @Test
    void listsEveryDeadLetterWithItsHeadersAndAPreviewOfItsValue() throws Exception {
        produce(
                deadLetter(0, "job-fox", FOX.getBytes(UTF_8), "4", "java.io.IOException", "S3 PutObject failed:\n503"),
                deadLetter(1, "job-png", PNG, "2", "java.lang.IllegalStateException", "not JSON"));

        CommandRun run = CommandRun.of("dlq", "list", "--bootstrap", kafka.bootstrapServers(), "--topic", dlt);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines())
                .containsExactly(
                        "2 dead letters in " + dlt,
                        "0:0 job=job-fox attempts=4 failed-at=2026-05-01T12:06:20Z original=" + jobs + "/0:40"
                                + " exception=java.io.IOException: S3 PutObject failed:\\n503 value="
                                + FOX.substring(0, 80) + "…",
                        "1:0 job=job-png attempts=2 failed-at=2026-05-01T12:06:20Z original=" + jobs + "/1:41"
                                + " exception=java.lang.IllegalStateException: not JSON value=<10 bytes, not UTF-8>");
    }

    @Test
    void listsAsJsonLinesAndHonoursTheLimit() throws Exception {
        produce(
                deadLetter(0, "job-fox", FOX.getBytes(UTF_8), "4", "java.io.IOException", "S3 down"),
                deadLetter(0, "job-png", PNG, "2", "java.lang.IllegalStateException", "not JSON"),
                new ProducerRecord<>(dlt, 1, "job-bare".getBytes(UTF_8), "{}".getBytes(UTF_8)));

        CommandRun all =
                CommandRun.of("dlq", "list", "--bootstrap", kafka.bootstrapServers(), "--topic", dlt, "--json");
        CommandRun first = CommandRun.of(
                "dlq", "list", "--bootstrap", kafka.bootstrapServers(), "--topic", dlt, "--json", "--limit", "1");

        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.err()).isEmpty();
        List<JsonNode> objects =
                all.outLines().stream().map(JsonMapper.shared()::readTree).toList();
        assertThat(objects)
                .extracting(o -> o.get("offset").asLong(), o -> o.get("job_id").asString())
                .containsExactly(tuple(0L, "job-fox"), tuple(1L, "job-png"), tuple(0L, "job-bare"));
        JsonNode fox = objects.get(0);
        assertThat(fox.get("topic").asString()).isEqualTo(dlt);
        assertThat(fox.get("partition").asInt()).isZero();
        assertThat(fox.get("attempts").asInt()).isEqualTo(4);
        assertThat(fox.get("failed_at").asString()).isEqualTo("2026-05-01T12:06:20Z");
        assertThat(fox.get("original_topic").asString()).isEqualTo(jobs);
        assertThat(fox.get("original_partition").asInt()).isZero();
        assertThat(fox.get("original_offset").asLong()).isEqualTo(40);
        assertThat(fox.get("exception_class").asString()).isEqualTo("java.io.IOException");
        assertThat(fox.get("exception_message").asString()).isEqualTo("S3 down");
        assertThat(fox.get("value_bytes").asInt()).isEqualTo(FOX.length());
        assertThat(fox.get("value_preview").asString()).isEqualTo(FOX.substring(0, 80) + "…");
        assertThat(objects.get(1).get("value_preview").asString()).isEqualTo("<10 bytes, not UTF-8>");
        JsonNode bare = objects.get(2);
        assertThat(bare.get("attempts").isNull()).isTrue();
        assertThat(bare.get("exception_class").isNull()).isTrue();

        assertThat(first.exitCode()).as(first.err()).isZero();
        assertThat(first.outLines()).singleElement().satisfies(line -> assertThat(line)
                .contains("\"job-fox\""));
        assertThat(first.err().strip()).isEqualTo("3 dead letters in " + dlt + ", showing the first 1");
    }

    @Test
    void saysSoWhenThereAreNoDeadLetters() {
        CommandRun run = CommandRun.of("dlq", "list", "--bootstrap", kafka.bootstrapServers(), "--topic", dlt);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).containsExactly("no dead letters in " + dlt);
    }

    @Test
    void skipsDeadLettersOfAbortedTransactions() throws Exception {
        Map<String, Object> transactional = new HashMap<>(producerConfig());
        transactional.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "dlq-it-" + UUID.randomUUID());
        try (var producer = new KafkaProducer<byte[], byte[]>(transactional)) {
            producer.initTransactions();
            producer.beginTransaction();
            producer.send(deadLetter(0, "job-aborted", FOX.getBytes(UTF_8), "4", "E", "m"));
            producer.abortTransaction();
            producer.beginTransaction();
            producer.send(deadLetter(0, "job-committed", FOX.getBytes(UTF_8), "4", "E", "m"));
            producer.commitTransaction();
        }

        CommandRun run = CommandRun.of("dlq", "list", "--bootstrap", kafka.bootstrapServers(), "--topic", dlt);

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).hasSize(2).element(1).asString().contains("job=job-committed");
    }

    @Test
    void failsOnAMissingTopicWithoutCreatingIt() throws Exception {
        String missing = dlt + "-missing";

        CommandRun run = CommandRun.of("dlq", "list", "--bootstrap", kafka.bootstrapServers(), "--topic", missing);

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip())
                .isEqualTo("kiln: topic " + missing + " does not exist on " + kafka.bootstrapServers());
        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get(30, SECONDS)).doesNotContain(missing);
        }
    }

    @Test
    void replaysTheNewestDeadLetterOfEachJobAsAFirstAttemptWithTheTrail() throws Exception {
        produce(
                deadLetter(0, "job-fox", "{\"try\": 1}".getBytes(UTF_8), "4", "java.io.IOException", "S3 down"),
                deadLetter(1, "job-png", PNG, "2", "java.lang.IllegalStateException", "not JSON"),
                deadLetter(0, "job-fox", FOX.getBytes(UTF_8), "3", "java.io.IOException", "S3 down again"),
                deadLetter(1, "job-other", "{}".getBytes(UTF_8), "4", "E", "m"));

        CommandRun run = CommandRun.of(
                "dlq",
                "replay",
                "--bootstrap",
                kafka.bootstrapServers(),
                "--topic",
                dlt,
                "--job-id",
                "job-fox",
                "job-png");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).hasSize(3);
        assertThat(run.outLines().get(0)).isEqualTo("replayed 2 dead letters from " + dlt);
        assertThat(run.outLines().get(1)).startsWith("job-fox 0:1 -> " + jobs + " ");
        assertThat(run.outLines().get(2)).startsWith("job-png 1:0 -> " + jobs + " ");

        List<ConsumerRecord<byte[], byte[]>> replayed = readAll(jobs, 2);
        assertThat(replayed)
                .extracting(r -> new String(r.key(), UTF_8), ConsumerRecord::value)
                .containsExactlyInAnyOrder(tuple("job-fox", FOX.getBytes(UTF_8)), tuple("job-png", PNG));
        for (ConsumerRecord<byte[], byte[]> record : replayed) {
            String jobId = new String(record.key(), UTF_8);
            assertThat(headers(record))
                    .containsExactlyInAnyOrderEntriesOf(Map.of(
                            Headers.JOB_ID,
                            jobId,
                            Headers.ATTEMPT,
                            "1",
                            Headers.ORIGINAL_TOPIC,
                            jobs,
                            Headers.ORIGINAL_PARTITION,
                            jobId.equals("job-fox") ? "0" : "1",
                            Headers.ORIGINAL_OFFSET,
                            jobId.equals("job-fox") ? "40" : "41"));
        }
    }

    @Test
    void replaysByOffsetAndAll() throws Exception {
        produce(
                deadLetter(0, "job-fox", FOX.getBytes(UTF_8), "4", "java.io.IOException", "S3 down"),
                deadLetter(1, "job-png", PNG, "2", "java.lang.IllegalStateException", "not JSON"));

        CommandRun one = CommandRun.of(
                "dlq", "replay", "--bootstrap", kafka.bootstrapServers(), "--topic", dlt, "--offset", "1:0");
        assertThat(one.exitCode()).as(one.err()).isZero();
        assertThat(one.outLines()).first().isEqualTo("replayed 1 dead letter from " + dlt);
        assertThat(readAll(jobs, 1)).singleElement().satisfies(r -> assertThat(r.value())
                .isEqualTo(PNG));

        CommandRun all =
                CommandRun.of("dlq", "replay", "--bootstrap", kafka.bootstrapServers(), "--topic", dlt, "--all");
        assertThat(all.exitCode()).as(all.err()).isZero();
        assertThat(all.outLines()).first().isEqualTo("replayed 2 dead letters from " + dlt);
        assertThat(readAll(jobs, 3))
                .extracting(r -> new String(r.key(), UTF_8))
                .containsExactlyInAnyOrder("job-png", "job-fox", "job-png");
    }

    @Test
    void sendsNothingWhenAChoiceIsNotThereAndNamesEveryMissingOne() throws Exception {
        produce(deadLetter(0, "job-fox", FOX.getBytes(UTF_8), "4", "java.io.IOException", "S3 down"));

        CommandRun byJob = CommandRun.of(
                "dlq",
                "replay",
                "--bootstrap",
                kafka.bootstrapServers(),
                "--topic",
                dlt,
                "--job-id",
                "job-fox",
                "job-gone",
                "job-lost");
        CommandRun byOffset = CommandRun.of(
                "dlq", "replay", "--bootstrap", kafka.bootstrapServers(), "--topic", dlt, "--offset", "0:0", "1:7");

        assertThat(byJob.exitCode()).isEqualTo(1);
        assertThat(byJob.err().strip())
                .isEqualTo("kiln: no dead letter for job id job-gone, job-lost in " + dlt + "; nothing replayed");
        assertThat(byOffset.exitCode()).isEqualTo(1);
        assertThat(byOffset.err().strip()).isEqualTo("kiln: no dead letter at 1:7 in " + dlt + "; nothing replayed");
        assertThat(endOffsets(jobs)).allSatisfy(end -> assertThat(end).isZero());
    }

    @Test
    void sendsNothingWhenAnOriginalTopicIsGone() throws Exception {
        String gone = jobs + "-gone";
        ProducerRecord<byte[], byte[]> orphan = deadLetter(0, "job-orphan", FOX.getBytes(UTF_8), "4", "E", "m");
        orphan.headers().remove(Headers.ORIGINAL_TOPIC).add(Headers.ORIGINAL_TOPIC, gone.getBytes(UTF_8));
        produce(deadLetter(0, "job-fox", FOX.getBytes(UTF_8), "4", "E", "m"), orphan);

        CommandRun run =
                CommandRun.of("dlq", "replay", "--bootstrap", kafka.bootstrapServers(), "--topic", dlt, "--all");

        assertThat(run.exitCode()).isEqualTo(1);
        assertThat(run.err().strip())
                .isEqualTo("kiln: original topic " + gone + " does not exist on " + kafka.bootstrapServers()
                        + "; nothing replayed");
        assertThat(endOffsets(jobs)).allSatisfy(end -> assertThat(end).isZero());
        try (Admin admin = admin()) {
            assertThat(admin.listTopics().names().get(30, SECONDS)).doesNotContain(gone);
        }
    }

    @Test
    void aDryRunPrintsWhatWouldBeSentAndSendsNothing() throws Exception {
        produce(deadLetter(1, "job-png", PNG, "2", "java.lang.IllegalStateException", "not JSON"));

        CommandRun run = CommandRun.of(
                "dlq", "replay", "--bootstrap", kafka.bootstrapServers(), "--topic", dlt, "--all", "--dry-run");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines())
                .containsExactly(
                        "would replay 1 dead letter from " + dlt + " (dry run: nothing sent)",
                        "job-png 1:0 -> " + jobs + " headers kiln-job-id=job-png, kiln-original-topic=" + jobs
                                + ", kiln-original-partition=1, kiln-original-offset=41, kiln-attempt=1"
                                + " value <10 bytes, not UTF-8>");
        assertThat(endOffsets(jobs)).allSatisfy(end -> assertThat(end).isZero());
    }

    @Test
    void replayingAnEmptyTopicSendsNothing() {
        CommandRun run =
                CommandRun.of("dlq", "replay", "--bootstrap", kafka.bootstrapServers(), "--topic", dlt, "--all");

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines()).containsExactly("no dead letters in " + dlt + "; nothing to replay");
    }

    /** A dead letter as the worker writes it: the contract headers, on the partition the job was consumed from. */
    private ProducerRecord<byte[], byte[]> deadLetter(
            int partition, String jobId, byte[] value, String attempt, String exception, String message) {
        List<Header> headers = List.of(
                header(Headers.JOB_ID, jobId),
                header(Headers.ATTEMPT, attempt),
                header(Headers.ORIGINAL_TOPIC, jobs),
                header(Headers.ORIGINAL_PARTITION, Integer.toString(partition)),
                header(Headers.ORIGINAL_OFFSET, Integer.toString(40 + partition)),
                header(Headers.EXCEPTION_CLASS, exception),
                header(Headers.EXCEPTION_MESSAGE, message),
                header(Headers.FAILED_AT, "2026-05-01T12:06:20Z"),
                header(Headers.NOT_BEFORE, "2026-05-01T12:11:20Z"));
        return new ProducerRecord<>(dlt, partition, jobId.getBytes(UTF_8), value, new ArrayList<>(headers));
    }

    private static Header header(String name, String value) {
        return new RecordHeader(name, value.getBytes(UTF_8));
    }

    @SafeVarargs
    private void produce(ProducerRecord<byte[], byte[]>... records) throws Exception {
        try (var producer = new KafkaProducer<byte[], byte[]>(producerConfig())) {
            for (ProducerRecord<byte[], byte[]> record : records) {
                producer.send(record).get(30, SECONDS);
            }
        }
    }

    private Map<String, Object> producerConfig() {
        return Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class,
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    }

    /** Reads the topic from the beginning until it holds {@code expected} records, and a moment longer for extras. */
    private List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> received = new ArrayList<>();
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = WholeTopic.assignFromStart(consumer, topic);
            // the consumer may only be used from the thread that polls it
            await().pollInSameThread().atMost(Duration.ofSeconds(30)).until(() -> {
                consumer.poll(Duration.ofMillis(100)).forEach(received::add);
                return received.size() >= expected;
            });
            consumer.poll(Duration.ofMillis(500)).forEach(received::add);
        }
        assertThat(received).hasSize(expected);
        return received;
    }

    private List<Long> endOffsets(String topic) throws Exception {
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            return List.copyOf(consumer.endOffsets(partitions).values());
        }
    }

    private static Map<String, String> headers(ConsumerRecord<byte[], byte[]> record) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header header : record.headers()) {
            assertThat(headers.put(header.key(), new String(header.value(), UTF_8)))
                    .as("one " + header.key() + " header")
                    .isNull();
        }
        return headers;
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }
}
