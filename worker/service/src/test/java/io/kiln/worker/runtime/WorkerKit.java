package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.clients.S3ClientFactory;
import io.kiln.contracts.CancelCommand;
import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.Headers;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.Sampler;
import io.kiln.engine.model.Golden;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.worker.config.InvalidConfigException;
import io.kiln.worker.config.WorkerConfig;
import io.kiln.worker.config.WorkerConfigLoader;
import io.kiln.worker.kafka.WholeTopic;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * One worker test's world on the real broker and S3 server: its own topics, consumer group and bucket, a way to
 * submit jobs and cancels, and readers of what came out (events, dead letters, objects, committed offsets).
 */
final class WorkerKit implements AutoCloseable {
    static final String MODEL = "tiny";
    static final int PARTITIONS = 4;

    private final KafkaEndpoint kafka;
    private final S3Endpoint s3;
    private final String name = "it-" + UUID.randomUUID().toString().substring(0, 8);
    private final KafkaProducer<byte[], byte[]> producer;
    private final S3Client s3Client;
    private final List<AutoCloseable> started = new ArrayList<>();
    private EventLog events;

    WorkerKit(KafkaEndpoint kafka, S3Endpoint s3) throws InterruptedException, ExecutionException {
        this.kafka = kafka;
        this.s3 = s3;
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        this.s3Client = S3ClientFactory.createClient(s3.toS3Settings());
        s3Client.createBucket(request -> request.bucket(bucket()));
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(jobsTopic(), PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
    }

    String jobsTopic() {
        return name + ".jobs";
    }

    String eventsTopic() {
        return name + ".events";
    }

    String deadLetterTopic() {
        return name + ".jobs.DLT";
    }

    String group() {
        return name + "-workers";
    }

    String bucket() {
        return name;
    }

    /**
     * The worker's settings as {@code KILN_*} variables: this test's topics, group and bucket, the tiny golden
     * model, short retry delays, and a session timeout short enough for a test to see a dead worker go.
     */
    Map<String, String> settings(String workerId, Map<String, String> overrides) {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("KILN_WORKER_ID", workerId);
        env.put("KILN_KAFKA_BOOTSTRAP", kafka.bootstrapServers());
        env.put("KILN_KAFKA_GROUP", group());
        env.put("KILN_KAFKA_CLIENT_SESSION_TIMEOUT_MS", "6000");
        env.put("KILN_KAFKA_CLIENT_HEARTBEAT_INTERVAL_MS", "1000");
        env.put("KILN_TOPICS_JOBS", jobsTopic());
        env.put("KILN_TOPICS_EVENTS", eventsTopic());
        env.put("KILN_TOPICS_DEAD_LETTERS", deadLetterTopic());
        env.put("KILN_TOPICS_CONTROL", name + ".control");
        env.put("KILN_S3_ENDPOINT", s3.endpoint().toString());
        env.put("KILN_S3_REGION", s3.region());
        env.put("KILN_S3_ACCESS_KEY", s3.accessKey());
        env.put("KILN_S3_SECRET_KEY", s3.secretKey());
        env.put("KILN_S3_BUCKET", bucket());
        env.put("KILN_S3_PREFIX", "out");
        env.put("KILN_MODEL_PATH", Golden.file("models/" + MODEL).toString());
        env.put("KILN_RETRY_DELAYS", "1s,1s,1s");
        env.put("KILN_RETRY_STORAGE_GIVE_UP_AFTER", "60s");
        env.put("KILN_SHUTDOWN_GRACE", "10s");
        env.put("KILN_HTTP_PORT", "0");
        env.putAll(overrides);
        return env;
    }

    WorkerConfig config(String workerId, Map<String, String> overrides) throws InvalidConfigException {
        return WorkerConfigLoader.load(Optional.empty(), settings(workerId, overrides));
    }

    /** Starts an in-process worker, stopped when the kit closes. */
    Worker startWorker(String workerId, Map<String, String> overrides) throws Exception {
        Worker worker = Worker.start(config(workerId, overrides));
        started.add(worker);
        return worker;
    }

    /** Starts an in-process worker whose job consumer {@code jobConsumers} makes, stopped when the kit closes. */
    Worker startWorker(
            String workerId,
            Map<String, String> overrides,
            Function<Map<String, Object>, Consumer<byte[], byte[]>> jobConsumers)
            throws Exception {
        Worker worker = Worker.start(config(workerId, overrides), jobConsumers);
        started.add(worker);
        return worker;
    }

    Worker startWorker(String workerId) throws Exception {
        return startWorker(workerId, Map.of());
    }

    /** Writes the settings as a properties file, with the property names the variables stand for. */
    Path writeProperties(Path file, String workerId, Map<String, String> overrides) throws IOException {
        Properties properties = new Properties();
        settings(workerId, overrides)
                .forEach((variable, value) -> properties.setProperty(propertyName(variable), value));
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(out, "worker " + workerId);
        }
        return file;
    }

    private static String propertyName(String variable) {
        String rest = variable.substring("KILN_".length()).toLowerCase(java.util.Locale.ROOT);
        if (rest.startsWith("kafka_client_")) {
            return "kafka.client." + rest.substring("kafka_client_".length()).replace('_', '.');
        }
        int section = rest.indexOf('_');
        return rest.substring(0, section) + "." + rest.substring(section + 1).replace('_', '-');
    }

    /** A small job for the tiny model: 64×64, two DDIM steps. */
    static GenerationRequest.Builder tinyJob(String jobId) {
        return GenerationRequest.builder()
                .jobId(jobId)
                .model(MODEL)
                .prompt("a red fox in the snow, " + jobId)
                .width(64)
                .height(64)
                .numInferenceSteps(2)
                .sampler(Sampler.DDIM)
                .seed(Math.floorMod(jobId.hashCode(), 1_000_000L));
    }

    void submit(GenerationRequest request) {
        submitRaw(request.jobId(), JsonCodec.write(request));
    }

    void submitRaw(String key, byte[] value) {
        submitRaw(null, key, value);
    }

    /** Submits {@code request} to the job topic's {@code partition}, whatever its key would choose. */
    void submitTo(int partition, GenerationRequest request) {
        submitRaw(partition, request.jobId(), JsonCodec.write(request));
    }

    /** Submits {@code value} as it is to {@code partition} (null: the key's), under {@code key} (null: none). */
    void submitRaw(Integer partition, String key, byte[] value) {
        byte[] keyBytes = key == null ? null : key.getBytes(StandardCharsets.UTF_8);
        var record = new ProducerRecord<>(jobsTopic(), partition, keyBytes, value);
        if (key != null) {
            record.headers().add(Headers.JOB_ID, keyBytes);
        }
        try {
            producer.send(record).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot submit " + key, e);
        }
    }

    /** Creates {@code topic} with the job topic's partition count, as the worker would a retry topic. */
    void createTopic(String topic) throws InterruptedException, ExecutionException {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(topic, PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
    }

    /**
     * Writes {@code request} to {@code topic} as a retry record of attempt {@code attempt} whose wait is over, with
     * the trail a worker writes (see Redirects).
     */
    void submitRetry(String topic, GenerationRequest request, int attempt) {
        byte[] key = request.jobId().getBytes(StandardCharsets.UTF_8);
        var record = new ProducerRecord<>(topic, key, JsonCodec.write(request));
        record.headers()
                .add(Headers.JOB_ID, key)
                .add(Headers.ATTEMPT, utf8(Integer.toString(attempt)))
                .add(Headers.NOT_BEFORE, utf8(Instant.now().minusSeconds(1).toString()))
                .add(Headers.ORIGINAL_TOPIC, utf8(jobsTopic()))
                .add(Headers.ORIGINAL_PARTITION, utf8("0"))
                .add(Headers.ORIGINAL_OFFSET, utf8("0"));
        try {
            producer.send(record).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot write the retry of " + request.jobId(), e);
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    void cancel(String jobId, String reason) {
        var record = new ProducerRecord<>(
                name + ".control",
                jobId.getBytes(StandardCharsets.UTF_8),
                JsonCodec.write(new CancelCommand(reason, Instant.now())));
        try {
            producer.send(record).get();
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("cannot cancel " + jobId, e);
        }
    }

    /**
     * Fences the transactional producer of worker {@code workerId} as a new instance of that worker would, by
     * registering its transactional id again: the worker's next transaction fails, and nothing of it is committed.
     */
    void fence(String workerId) {
        try (var fencer = new KafkaProducer<byte[], byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kiln-worker-" + workerId,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            fencer.initTransactions();
        }
    }

    /** The committed events of this test's event topic, read from the beginning on a thread of their own. */
    EventLog events() {
        if (events == null) {
            events = new EventLog(kafka, eventsTopic());
            started.add(events);
        }
        return events;
    }

    /** Job {@code id} ended with exactly one {@code succeeded}, whose one PNG and manifest are stored, nothing else. */
    void assertSucceededOnceWithOneImage(String id) {
        assertThat(events().terminal(id)).as(id).singleElement().isInstanceOf(JobEvent.Succeeded.class);
        var done = (JobEvent.Succeeded) events().terminal(id).getFirst();
        assertThat(done.images()).as(id).hasSize(1);
        String png = "out/" + id + "/0.png";
        assertThat(done.images().getFirst().uri().key()).isEqualTo(png);
        assertThat(objectKeys("out/" + id + "/")).as(id).isEqualTo(Set.of(png, "out/" + id + "/result.json"));
        assertThat(object(png)).as(id).hasSize((int) done.images().getFirst().sizeBytes());
    }

    /** Every committed record of the dead-letter topic. */
    List<ConsumerRecord<byte[], byte[]>> deadLetters() {
        return readAll(deadLetterTopic());
    }

    /**
     * Every committed event of this test's event topic so far, with its envelope: who sent it ({@code source}) and
     * when ({@code time}).
     */
    List<JobEventEnvelope> eventEnvelopes() {
        return readAll(eventsTopic()).stream()
                .map(record -> JsonCodec.readEvent(record.value()))
                .toList();
    }

    /**
     * The value of a sample in a worker's Prometheus scrape, summed over its labels.
     *
     * @param name the Prometheus name, such as {@code kiln_storage_retries_total}
     * @throws AssertionError when the scrape has no such sample
     */
    static double metric(int httpPort, String name) throws IOException, InterruptedException {
        try (HttpClient http = HttpClient.newHttpClient()) {
            String scrape = http.send(
                            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + httpPort + "/metrics"))
                                    .timeout(Duration.ofSeconds(10))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString())
                    .body();
            Matcher sample = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*})? (\\S+)$")
                    .matcher(scrape);
            double sum = 0;
            boolean found = false;
            while (sample.find()) {
                sum += Double.parseDouble(sample.group(2));
                found = true;
            }
            assertThat(found).as("a sample of %s on port %d", name, httpPort).isTrue();
            return sum;
        }
    }

    /** Every committed record of {@code topic}, from the beginning to its current end. */
    List<ConsumerRecord<byte[], byte[]>> readAll(String topic) {
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> partitions = WholeTopic.assignFromStart(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                assertThat(System.nanoTime()).as("reading " + topic).isLessThan(deadline);
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    /** Deletes the job topic and creates it again, empty, as an operator starting over would. */
    void recreateJobsTopic() throws InterruptedException, ExecutionException {
        try (Admin admin = admin()) {
            admin.deleteTopics(List.of(jobsTopic())).all().get();
            await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(() -> {
                admin.createTopics(List.of(new NewTopic(jobsTopic(), PARTITIONS, (short) 1)))
                        .all()
                        .get();
                return true;
            });
        }
    }

    /** Commits {@code offset} with {@code metadata} for the group, as a worker that owned the partition would. */
    void commit(int partition, long offset, String metadata) throws InterruptedException, ExecutionException {
        try (Admin admin = admin()) {
            admin.alterConsumerGroupOffsets(
                            group(),
                            Map.of(new TopicPartition(jobsTopic(), partition), new OffsetAndMetadata(offset, metadata)))
                    .all()
                    .get();
        }
    }

    /** The group's commit of every job-topic partition that has one, with its metadata. */
    Map<TopicPartition, OffsetAndMetadata> commits() throws InterruptedException, ExecutionException {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> commits = new HashMap<>();
            admin.listConsumerGroupOffsets(group())
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .forEach((partition, commit) -> {
                        if (partition.topic().equals(jobsTopic()) && commit != null) {
                            commits.put(partition, commit);
                        }
                    });
            return commits;
        }
    }

    /** The group's committed offset of every job-topic partition, and the partitions' end offsets. */
    Map<TopicPartition, Long> committedOffsets() throws InterruptedException, ExecutionException {
        try (Admin admin = admin()) {
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group())
                    .partitionsToOffsetAndMetadata()
                    .get();
            Map<TopicPartition, Long> offsets = new HashMap<>();
            committed.forEach((partition, offset) -> {
                if (partition.topic().equals(jobsTopic())) {
                    offsets.put(partition, offset.offset());
                }
            });
            return offsets;
        }
    }

    /**
     * How many records of each job-topic partition lie past the group's committed offset (a partition without a
     * commit counts from 0); empty when every record is committed.
     */
    Map<TopicPartition, Long> uncommitted() throws InterruptedException, ExecutionException {
        Map<TopicPartition, Long> committed = committedOffsets();
        Map<TopicPartition, Long> behind = new HashMap<>();
        endOffsets().forEach((partition, end) -> {
            long records = end - committed.getOrDefault(partition, 0L);
            if (records != 0) {
                behind.put(partition, records);
            }
        });
        return behind;
    }

    Map<TopicPartition, Long> endOffsets() {
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(jobsTopic()).stream()
                    .map(info -> new TopicPartition(jobsTopic(), info.partition()))
                    .toList();
            return consumer.endOffsets(partitions);
        }
    }

    /** The keys of this test's bucket under {@code prefix}. */
    Set<String> objectKeys(String prefix) {
        return s3Client
                .listObjectsV2Paginator(request -> request.bucket(bucket()).prefix(prefix))
                .contents()
                .stream()
                .map(S3Object::key)
                .collect(Collectors.toSet());
    }

    void putObject(String key, byte[] bytes) {
        s3Client.putObject(
                request -> request.bucket(bucket()).key(key),
                software.amazon.awssdk.core.sync.RequestBody.fromBytes(bytes));
    }

    byte[] object(String key) {
        return s3Client.getObjectAsBytes(request -> request.bucket(bucket()).key(key))
                .asByteArray();
    }

    private Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closeable : started.reversed()) {
            closeable.close();
        }
        producer.close();
        s3Client.close();
    }
}
