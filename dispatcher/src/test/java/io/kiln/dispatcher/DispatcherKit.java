package io.kiln.dispatcher;

import static org.awaitility.Awaitility.await;

import io.kiln.clients.S3ClientFactory;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.S3Uri;
import io.kiln.dispatcher.config.ApiKey;
import io.kiln.dispatcher.config.DispatcherConfig;
import io.kiln.dispatcher.config.HttpSettings;
import io.kiln.dispatcher.config.KafkaSettings;
import io.kiln.dispatcher.config.MetricsSettings;
import io.kiln.dispatcher.config.RateLimit;
import io.kiln.dispatcher.config.StatusSettings;
import io.kiln.dispatcher.config.StorageSettings;
import io.kiln.dispatcher.config.TopicSettings;
import io.kiln.dispatcher.config.UploadSettings;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * One dispatcher test's world on the real broker and the real S3 server: its own topics, Streams application id and
 * upload bucket, two API keys ({@value #ALPHA} and {@value #BETA}), an HTTP client, a publisher of worker events, a
 * reader of the job and control topics, and an S3 client.
 * Public, and shipped in the dispatcher's test-jar, for the Java client's tests ({@code kiln-client}).
 */
public final class DispatcherKit implements AutoCloseable {
    public static final String ALPHA = "alpha";
    public static final String BETA = "beta";
    public static final String ALPHA_KEY = "alpha-secret-0123456789";
    public static final String BETA_KEY = "beta-secret-9876543210";
    public static final int PARTITIONS = 3;
    /** The kit's keys' rate: more than any test sends, so that only a test of rate limits meets one. */
    public static final RateLimit UNLIMITED = new RateLimit(1_000_000, Duration.ofSeconds(1));

    /**
     * The upload limit of the kit's dispatchers: small, so that a test can exceed it cheaply. They take one upload at
     * a time, so that a test can hold the only slot.
     */
    public static final long MAX_UPLOAD_BYTES = 64 * 1024;

    private final KafkaEndpoint kafka;
    private final S3Endpoint s3Endpoint;
    private final String name = "disp-" + UUID.randomUUID().toString().substring(0, 8);
    private final Path stateDir = Path.of("target", "kiln-state", name);
    private final KafkaProducer<byte[], byte[]> producer;
    private final S3Client s3;
    private final HttpClient http = HttpClient.newHttpClient();
    private final List<Dispatcher> started = new ArrayList<>();

    /** A kit whose upload bucket, named like its topics, is created on {@code s3}. */
    public DispatcherKit(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        this.kafka = kafka;
        this.s3Endpoint = s3;
        this.s3 = S3ClientFactory.createClient(s3.toS3Settings());
        this.s3.createBucket(create -> create.bucket(bucket()));
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.LINGER_MS_CONFIG, 0,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(
                            new NewTopic(topics().jobs(), PARTITIONS, (short) 1),
                            new NewTopic(topics().events(), PARTITIONS, (short) 1)))
                    .all()
                    .get();
        }
    }

    /** The bucket this kit's dispatchers store uploads in. */
    public String bucket() {
        return name;
    }

    /** An S3 client of the kit's server, to put and read objects as a worker would. */
    public S3Client s3() {
        return s3;
    }

    /** The storage settings of a dispatcher that reaches S3 at {@code s3}. */
    public StorageSettings storage(S3Endpoint s3) {
        return new StorageSettings(s3.toS3Settings(), bucket(), StorageSettings.DEFAULT_URL_EXPIRY);
    }

    public TopicSettings topics() {
        return new TopicSettings(name + ".jobs", name + ".events", name + ".status", name + ".control");
    }

    public DispatcherConfig config(String bootstrapServers, Duration acceptTimeout) {
        return config(bootstrapServers, acceptTimeout, "a");
    }

    /** The configuration of replica {@code replica}: this kit's Streams application, a state folder of its own. */
    public DispatcherConfig config(String bootstrapServers, Duration acceptTimeout, String replica) {
        return new DispatcherConfig(
                new HttpSettings("127.0.0.1", 0, 4096),
                new KafkaSettings(bootstrapServers, acceptTimeout, Map.of()),
                topics(),
                new StatusSettings(name, stateDir.resolve(replica)),
                List.of(new ApiKey(ALPHA, sha256(ALPHA_KEY), UNLIMITED), new ApiKey(BETA, sha256(BETA_KEY), UNLIMITED)),
                storage(s3Endpoint),
                new UploadSettings(MAX_UPLOAD_BYTES, 1),
                new MetricsSettings("127.0.0.1", 0, workerGroup()));
    }

    /** The consumer group whose lag on this kit's job topic the dispatcher reports, as the workers' group. */
    public String workerGroup() {
        return name + ".workers";
    }

    /** Starts a dispatcher on this kit's topics, stopped when the kit closes, and waits until it is ready. */
    public Dispatcher startReady() {
        return startReady("a");
    }

    /** Starts replica {@code replica} (its own state folder) and waits until it is ready. */
    public Dispatcher startReady(String replica) {
        return startReady(config(kafka.bootstrapServers(), Duration.ofSeconds(10), replica));
    }

    /** Starts a dispatcher configured so, stopped when the kit closes, and waits until it is ready. */
    public Dispatcher startReady(DispatcherConfig config) {
        Dispatcher dispatcher = start(config);
        await().atMost(Duration.ofSeconds(40))
                .pollInterval(Duration.ofMillis(100))
                .until(() -> get(dispatcher, "/v1/health", null).statusCode() == 200);
        return dispatcher;
    }

    public Dispatcher start(DispatcherConfig config) {
        Dispatcher dispatcher = Dispatcher.start(config);
        started.add(dispatcher);
        return dispatcher;
    }

    HttpResponse<String> get(Dispatcher dispatcher, String path, String key) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri(dispatcher, path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    /** {@code GET /metrics} from the dispatcher's metrics port, without a key. */
    public HttpResponse<String> metrics(Dispatcher dispatcher) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dispatcher.metricsPort() + "/metrics"))
                        .timeout(Duration.ofSeconds(30))
                        .GET()
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> delete(Dispatcher dispatcher, String path, String key) throws Exception {
        HttpRequest.Builder request =
                HttpRequest.newBuilder(uri(dispatcher, path)).timeout(Duration.ofSeconds(30));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        return http.send(request.DELETE().build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> post(Dispatcher dispatcher, String key, String contentType, String body) throws Exception {
        return post(dispatcher, key, contentType, HttpRequest.BodyPublishers.ofString(body));
    }

    /** Posts a JSON body from {@code body}, which need not declare its length. */
    HttpResponse<String> send(Dispatcher dispatcher, String key, HttpRequest.BodyPublisher body) throws Exception {
        return post(dispatcher, key, "application/json", body);
    }

    private HttpResponse<String> post(
            Dispatcher dispatcher, String key, String contentType, HttpRequest.BodyPublisher body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(dispatcher, "/v1/jobs"))
                .timeout(Duration.ofSeconds(30))
                .POST(body);
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Uploads {@code image} as {@code contentType}, which may be null for none. */
    public HttpResponse<String> upload(Dispatcher dispatcher, String key, String contentType, byte[] image)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri(dispatcher, "/v1/uploads"))
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofByteArray(image));
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    HttpResponse<String> submit(Dispatcher dispatcher, String key, String body) throws Exception {
        return post(dispatcher, key, "application/json", body);
    }

    static JsonNode json(HttpResponse<String> response) {
        return JsonCodec.mapper().readTree(response.body());
    }

    /** Submits a small request with a job id of its own for {@code key}, and returns that id once it is accepted. */
    public String accepted(Dispatcher dispatcher, String key) throws Exception {
        String jobId = "job-" + UUID.randomUUID();
        var response = submit(
                dispatcher,
                key,
                "{\"job_id\": \"" + jobId + "\", \"prompt\": \"a fox\", \"width\": 64, \"height\": 64}");
        if (response.statusCode() != 202) {
            throw new AssertionError("not accepted: " + response.statusCode() + " " + response.body());
        }
        return jobId;
    }

    /** A worker's {@code succeeded} event for {@code jobId}: one 64×64 image, seed 42, whose sha256 is 64 a's. */
    public static JobEvent.Succeeded succeeded(String jobId) {
        var image = new JobEvent.Succeeded.Image(
                S3Uri.parse("s3://kiln-outputs/" + jobId + "/0.png"),
                URI.create("http://127.0.0.1:9000/kiln-outputs/" + jobId + "/0.png"),
                Instant.parse("2030-01-01T00:00:00Z"),
                42,
                64,
                64,
                1234,
                "a".repeat(64));
        return new JobEvent.Succeeded(List.of(image), new JobEvent.Succeeded.Timings(1, 2, 3, 4), 1);
    }

    /** Publishes a worker's event about {@code jobId} on this kit's event topic, keyed by job id. */
    public void publish(String jobId, JobEvent event) throws Exception {
        var envelope = JobEventEnvelope.of(URI.create("/kiln/workers/test"), jobId, Instant.now(), event);
        producer.send(new ProducerRecord<>(
                        topics().events(), jobId.getBytes(StandardCharsets.UTF_8), JsonCodec.write(envelope)))
                .get();
    }

    /** Every record of this kit's job topic, from the beginning to its current end. */
    public List<ConsumerRecord<byte[], byte[]>> jobRecords() {
        return records(topics().jobs());
    }

    /** The records of this kit's control topic (cancels) whose key is {@code jobId}. */
    public List<ConsumerRecord<byte[], byte[]>> controlRecords(String jobId) {
        return withKey(records(topics().control()), jobId);
    }

    /** The records of this kit's status topic whose key is {@code jobId}: what the dispatcher stored of the job. */
    public List<ConsumerRecord<byte[], byte[]>> statusRecords(String jobId) {
        return withKey(records(topics().status()), jobId);
    }

    /** Every record of {@code topic}, from the beginning to its current end. */
    private List<ConsumerRecord<byte[], byte[]>> records(String topic) {
        try (var consumer = new KafkaConsumer<byte[], byte[]>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(info -> new TopicPartition(info.topic(), info.partition()))
                    .toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("cannot read " + topic + " to its end");
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
            return records;
        }
    }

    /** The job records whose key is {@code jobId}. */
    public List<ConsumerRecord<byte[], byte[]>> jobRecords(String jobId) {
        return withKey(jobRecords(), jobId);
    }

    private static List<ConsumerRecord<byte[], byte[]>> withKey(
            List<ConsumerRecord<byte[], byte[]>> records, String jobId) {
        return records.stream()
                .filter(record -> new String(record.key(), StandardCharsets.UTF_8).equals(jobId))
                .toList();
    }

    static String sha256(String key) {
        return sha256(key.getBytes(StandardCharsets.UTF_8));
    }

    /** SHA-256 as lowercase hex, as the API and the contracts write it. */
    public static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static URI uri(Dispatcher dispatcher, String path) {
        return URI.create("http://127.0.0.1:" + dispatcher.port() + path);
    }

    @Override
    public void close() {
        for (Dispatcher closeable : started.reversed()) {
            closeable.close();
        }
        producer.close();
        http.close();
        s3.close();
    }
}
