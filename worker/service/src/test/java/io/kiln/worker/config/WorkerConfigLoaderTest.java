package io.kiln.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.kiln.clients.S3Credentials;
import io.kiln.contracts.Topics;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WorkerConfigLoaderTest {

    @TempDir
    Path dir;

    private Path model;

    @BeforeEach
    void createModelFolder() throws IOException {
        model = Files.createDirectory(dir.resolve("sd-v1-5"));
    }

    /** The three settings without a default. */
    private Map<String, String> required() {
        Map<String, String> env = new HashMap<>();
        env.put("KILN_KAFKA_BOOTSTRAP", "kafka-1:9092");
        env.put("KILN_S3_BUCKET", "kiln-images");
        env.put("KILN_MODEL_PATH", model.toString());
        return env;
    }

    private Path file(String... lines) throws IOException {
        return Files.write(dir.resolve("worker.properties"), List.of(lines));
    }

    private static List<String> problems(Optional<Path> file, Map<String, String> env) {
        return catchThrowableOfType(InvalidConfigException.class, () -> WorkerConfigLoader.load(file, env))
                .problems();
    }

    @Test
    void fillsEverythingButTheRequiredKeysWithDefaults() throws Exception {
        WorkerConfig config = WorkerConfigLoader.load(Optional.empty(), required());

        assertThat(config.workerId()).isEqualTo(InetAddress.getLocalHost().getHostName());
        assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka-1:9092");
        assertThat(config.kafka().groupId()).isEqualTo("kiln-workers");
        assertThat(config.kafka().groupInstanceId()).isEmpty();
        assertThat(config.kafka().clientProperties()).isEmpty();
        assertThat(config.topics())
                .isEqualTo(new TopicSettings(Topics.JOBS, Topics.EVENTS, Topics.JOBS_DLT, Topics.CONTROL));
        assertThat(config.topics().retryTopic(2)).isEqualTo(Topics.retryTopic(2));
        assertThat(config.storage().s3().endpointOverride()).isEmpty();
        assertThat(config.storage().s3().region()).isEqualTo("us-east-1");
        assertThat(config.storage().s3().pathStyleAccess()).isFalse();
        assertThat(config.storage().s3().credentials()).isEqualTo(S3Credentials.defaultChain());
        assertThat(config.storage().bucket()).isEqualTo("kiln-images");
        assertThat(config.storage().prefix()).isEmpty();
        assertThat(config.storage().urlExpiry()).isEqualTo(Duration.ofHours(1));
        assertThat(config.model()).isEqualTo(new ModelSettings(model, "sd-v1-5", "cpu", "float32"));
        assertThat(config.batching()).isEqualTo(new BatchingSettings(8, Duration.ofMillis(200), Duration.ofMinutes(1)));
        assertThat(config.retry().delays())
                .containsExactly(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(5));
        assertThat(config.retry().retries()).isEqualTo(3);
        assertThat(config.retry().storageInitialBackoff()).isEqualTo(Duration.ofMillis(200));
        assertThat(config.retry().storageMaxBackoff()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.retry().storageGiveUpAfter()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.shutdown().grace()).isEqualTo(Duration.ofSeconds(30));
        assertThat(config.http()).isEqualTo(new HttpSettings("127.0.0.1", 8081));
    }

    @Test
    void readsEveryKeyFromTheFile() throws Exception {
        Path file = file(
                "worker.id=gpu-node-7",
                "kafka.bootstrap=kafka-1:9092, kafka-2:9093",
                "kafka.group=kiln-staging",
                "kafka.group-instance-id=gpu-node-7",
                "topics.jobs=staging.jobs",
                "topics.events=staging.events",
                "topics.dead-letters=staging.jobs.DLT",
                "topics.control=staging.control",
                "s3.endpoint=http://127.0.0.1:9000",
                "s3.region=eu-west-1",
                "s3.access-key=minio",
                "s3.secret-key=minio-secret",
                "s3.bucket=staging-images",
                "s3.prefix=outputs/v1",
                "s3.url-expiry=PT15M",
                "model.path=" + model,
                "model.name=sd15",
                "model.device=gpu1",
                "model.dtype=float16",
                "batch.max-images=4",
                "batch.max-delay=50ms",
                "retry.delays=5s,30s",
                "retry.storage-initial-backoff=100ms",
                "retry.storage-max-backoff=5s",
                "batch.starvation-limit=3m",
                "retry.storage-give-up-after=1m",
                "retry.broker-give-up-after=90s",
                "shutdown.grace=2m",
                "http.host=0.0.0.0",
                "http.port=0");

        WorkerConfig config = WorkerConfigLoader.load(Optional.of(file), Map.of());

        assertThat(config.workerId()).isEqualTo("gpu-node-7");
        assertThat(config.kafka().bootstrapServers()).isEqualTo("kafka-1:9092,kafka-2:9093");
        assertThat(config.kafka().groupId()).isEqualTo("kiln-staging");
        assertThat(config.kafka().groupInstanceId()).contains("gpu-node-7");
        assertThat(config.topics())
                .isEqualTo(new TopicSettings("staging.jobs", "staging.events", "staging.jobs.DLT", "staging.control"));
        assertThat(config.topics().retryTopic(1)).isEqualTo("staging.jobs-retry-1");
        assertThat(config.storage().s3().endpointOverride()).contains(URI.create("http://127.0.0.1:9000"));
        assertThat(config.storage().s3().region()).isEqualTo("eu-west-1");
        assertThat(config.storage().s3().pathStyleAccess()).isTrue();
        assertThat(config.storage().s3().credentials()).isEqualTo(S3Credentials.staticKeys("minio", "minio-secret"));
        assertThat(config.storage().bucket()).isEqualTo("staging-images");
        assertThat(config.storage().prefix()).isEqualTo("outputs/v1");
        assertThat(config.storage().urlExpiry()).isEqualTo(Duration.ofMinutes(15));
        assertThat(config.model()).isEqualTo(new ModelSettings(model, "sd15", "gpu1", "float16"));
        assertThat(config.batching()).isEqualTo(new BatchingSettings(4, Duration.ofMillis(50), Duration.ofMinutes(3)));
        assertThat(config.retry())
                .isEqualTo(new RetrySettings(
                        List.of(Duration.ofSeconds(5), Duration.ofSeconds(30)),
                        Duration.ofMillis(100),
                        Duration.ofSeconds(5),
                        Duration.ofMinutes(1),
                        Duration.ofSeconds(90)));
        assertThat(config.retry().retries()).isEqualTo(2);
        assertThat(config.shutdown().grace()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.http()).isEqualTo(new HttpSettings("0.0.0.0", 0));
    }

    @Test
    void environmentOverridesTheFileKeyByKey() throws Exception {
        Path file = file("batch.max-images=4", "http.port=9000", "s3.bucket=from-file", "kafka.group=from-file");
        Map<String, String> env = required();
        env.remove("KILN_S3_BUCKET");
        env.put("KILN_BATCH_MAX_IMAGES", "16");
        env.put("KILN_KAFKA_GROUP", "from-env");
        env.put("KILN_SHUTDOWN_GRACE", "5s");

        WorkerConfig config = WorkerConfigLoader.load(Optional.of(file), env);

        assertThat(config.batching().maxBatchImages()).isEqualTo(16);
        assertThat(config.kafka().groupId()).isEqualTo("from-env");
        assertThat(config.shutdown().grace()).isEqualTo(Duration.ofSeconds(5));
        assertThat(config.http().port()).isEqualTo(9000);
        assertThat(config.storage().bucket()).isEqualTo("from-file");
    }

    @Test
    void aBlankVariableCountsAsNotSet() throws Exception {
        Map<String, String> env = required();
        env.put("KILN_S3_ENDPOINT", "");
        env.put("KILN_BATCH_MAX_IMAGES", "  ");

        WorkerConfig config = WorkerConfigLoader.load(Optional.of(file("batch.max-images=2")), env);

        assertThat(config.storage().s3().endpointOverride()).isEmpty();
        assertThat(config.batching().maxBatchImages()).isEqualTo(2);
    }

    @Test
    void listsEveryBadFieldTogether() throws Exception {
        Path file = file(
                "batch.max-images=x",
                "batch.max-delay=soon",
                "http.port=70000",
                "s3.url-expiry=8d",
                "s3.prefix=/images/",
                "s3.bucket=Kiln_Images",
                "s3.endpoint=ftp://store",
                "s3.path-style=yes",
                "s3.access-key=minio",
                "kafka.bootstrap=kafka-1",
                "topics.events=" + Topics.JOBS,
                "retry.delays=10s,,5m",
                "retry.storage-initial-backoff=0s",
                "retry.storage-max-backoff=100ms",
                "retry.broker-give-up-after=500ms",
                "shutdown.grace=PT-1S",
                "model.path=" + dir.resolve("missing"),
                "worker.id=gpu node");

        InvalidConfigException e = catchThrowableOfType(
                InvalidConfigException.class, () -> WorkerConfigLoader.load(Optional.of(file), Map.of()));

        assertThat(e.problems())
                .containsExactlyInAnyOrder(
                        "worker.id: must be letters, digits, '.', '_', ':' or '-', was 'gpu node'",
                        "kafka.bootstrap: must be comma-separated host:port pairs such as kafka-1:9092,kafka-2:9092,"
                                + " was 'kafka-1'",
                        "topics.events: must differ from topics.jobs, both are 'kiln.jobs.v1'",
                        "s3.endpoint: must be an http or https URI such as http://127.0.0.1:9000, was 'ftp://store'",
                        "s3.path-style: must be true or false, was 'yes'",
                        "s3.secret-key: must be set together with s3.access-key, or neither to use the AWS default"
                                + " credentials",
                        "s3.bucket: must be 3 to 63 lower-case letters, digits, '.' or '-', starting and ending with"
                                + " a letter or digit, was 'Kiln_Images'",
                        "s3.prefix: must not start or end with '/', was '/images/'",
                        "s3.url-expiry: must be at most 7d, was '8d'",
                        "model.path: must be an existing model folder or file, was '" + dir.resolve("missing") + "'",
                        "batch.max-images: must be an integer ≥ 1, was 'x'",
                        "batch.max-delay: must be a duration such as 200ms, 10s, 5m, 1h or PT10S, was 'soon'",
                        "retry.delays: must be a comma-separated list of durations such as 10s,1m,5m (or none); item 2"
                                + " must be a duration such as 200ms, 10s, 5m, 1h or PT10S, was '10s,,5m'",
                        "retry.storage-initial-backoff: must be at least 1ms, was '0s'",
                        "retry.broker-give-up-after: must be at least 1s, was '500ms'",
                        "shutdown.grace: must not be negative, was 'PT-1S'",
                        "http.port: must be an integer from 0 to 65535, was '70000'");
        assertThat(e.getMessage())
                .startsWith("Invalid worker configuration, 17 problems:\n")
                .contains("\nbatch.max-images: must be an integer ≥ 1, was 'x'\n")
                .contains("\nhttp.port: must be an integer from 0 to 65535, was '70000'");
    }

    @Test
    void namesTheMissingRequiredKeysAndTheirVariables() {
        assertThat(problems(Optional.empty(), Map.of()))
                .containsExactlyInAnyOrder(
                        "kafka.bootstrap: must be set (or environment variable KILN_KAFKA_BOOTSTRAP)",
                        "s3.bucket: must be set (or environment variable KILN_S3_BUCKET)",
                        "model.path: must be set (or environment variable KILN_MODEL_PATH) where the default,"
                                + " models/kiln-shapes, is not in "
                                + Path.of("").toAbsolutePath());
    }

    @Test
    void checksTheMaxBackoffAgainstTheInitialOne() {
        Map<String, String> env = required();
        env.put("KILN_RETRY_STORAGE_INITIAL_BACKOFF", "20s");

        assertThat(problems(Optional.empty(), env))
                .containsExactly(
                        "retry.storage-max-backoff: must be at least retry.storage-initial-backoff (20s), was 10s");
    }

    @Test
    void reportsAMissingPropertiesFile() {
        Path missing = dir.resolve("nope.properties");

        assertThat(problems(Optional.of(missing), required())).containsExactly(missing + ": no such properties file");
    }

    @Test
    void acceptsEveryDurationForm() throws Exception {
        Map<String, String> env = required();
        env.put("KILN_BATCH_MAX_DELAY", "PT0.25S");
        env.put("KILN_SHUTDOWN_GRACE", "1h");
        env.put("KILN_RETRY_STORAGE_GIVE_UP_AFTER", "90s");
        env.put("KILN_RETRY_BROKER_GIVE_UP_AFTER", "PT2M");
        env.put("KILN_RETRY_DELAYS", "200ms, 10s ,1m,5m,PT2H");

        WorkerConfig config = WorkerConfigLoader.load(Optional.empty(), env);

        assertThat(config.batching().maxBatchDelay()).isEqualTo(Duration.ofMillis(250));
        assertThat(config.shutdown().grace()).isEqualTo(Duration.ofHours(1));
        assertThat(config.retry().storageGiveUpAfter()).isEqualTo(Duration.ofSeconds(90));
        assertThat(config.retry().brokerGiveUpAfter()).isEqualTo(Duration.ofMinutes(2));
        assertThat(config.retry().delays())
                .containsExactly(
                        Duration.ofMillis(200),
                        Duration.ofSeconds(10),
                        Duration.ofMinutes(1),
                        Duration.ofMinutes(5),
                        Duration.ofHours(2));
    }

    @Test
    void noneMeansNoRetries() throws Exception {
        Map<String, String> env = required();
        env.put("KILN_RETRY_DELAYS", "none");

        assertThat(WorkerConfigLoader.load(Optional.empty(), env).retry().retries())
                .isZero();
    }

    @Test
    void passesSaslAndTlsPropertiesThroughFromFileAndEnvironment() throws Exception {
        Path file = file(
                "kafka.client.security.protocol=SASL_SSL",
                "kafka.client.sasl.mechanism=PLAIN",
                "kafka.client.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required"
                        + " username=\"kiln\" password=\"file-secret\";");
        Map<String, String> env = required();
        env.put("KILN_KAFKA_CLIENT_SASL_MECHANISM", "SCRAM-SHA-512");
        env.put("KILN_KAFKA_CLIENT_SSL_TRUSTSTORE_LOCATION", "/etc/kiln/truststore.p12");

        KafkaSettings kafka = WorkerConfigLoader.load(Optional.of(file), env).kafka();

        assertThat(kafka.clientProperties())
                .containsExactly(
                        Map.entry(
                                "sasl.jaas.config",
                                "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"kiln\""
                                        + " password=\"file-secret\";"),
                        Map.entry("sasl.mechanism", "SCRAM-SHA-512"),
                        Map.entry("security.protocol", "SASL_SSL"),
                        Map.entry("ssl.truststore.location", "/etc/kiln/truststore.p12"));
        assertThatThrownBy(() -> kafka.clientProperties().put("acks", "0"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void refusesClientPropertiesThatHaveTheirOwnKeyOrAreNotKafkaNames() throws Exception {
        Path file = file("kafka.client.bootstrap.servers=other:9092", "kafka.client.Security.Protocol=SSL");
        Map<String, String> env = required();
        env.put("KILN_KAFKA_CLIENT_GROUP_ID", "other");

        assertThat(problems(Optional.of(file), env))
                .containsExactlyInAnyOrder(
                        "kafka.client.bootstrap.servers: set kafka.bootstrap instead",
                        "kafka.client.group.id: set kafka.group instead",
                        "kafka.client.Security.Protocol: must be a Kafka client property name, lower-case and dotted"
                                + " like security.protocol");
    }

    @Test
    void neverShowsSecretsInToStringOrProblems() throws Exception {
        Map<String, String> env = required();
        env.put("KILN_S3_ACCESS_KEY", "minio");
        env.put("KILN_S3_SECRET_KEY", "s3-hunter2");
        env.put("KILN_KAFKA_CLIENT_SASL_JAAS_CONFIG", "ScramLoginModule required password=\"jaas-hunter2\";");
        env.put("KILN_KAFKA_CLIENT_SSL_KEYSTORE_PASSWORD", "keystore-hunter2");
        env.put("KILN_KAFKA_CLIENT_SECURITY_PROTOCOL", "SASL_SSL");

        String shown = WorkerConfigLoader.load(Optional.empty(), env).toString();

        assertThat(shown)
                .doesNotContain("hunter2")
                .contains("security.protocol=SASL_SSL", "sasl.jaas.config=***", "ssl.keystore.password=***");

        Path file = file(
                "s3.secret-key=file-hunter2", "s3.secret-kee=typo-hunter2", "kafka.client.SSL.KEY.PASSWORD=x-hunter2");
        InvalidConfigException e = catchThrowableOfType(
                InvalidConfigException.class, () -> WorkerConfigLoader.load(Optional.of(file), required()));
        assertThat(e.problems()).hasSize(3);
        assertThat(e.getMessage()).doesNotContain("hunter2");
    }

    @Test
    void reportsMisspeltKeysInTheWorkersSections() throws Exception {
        Path file = file("batch.max-image=16", "s3.bukket=images", "dispatcher.port=8080");
        Map<String, String> env = required();
        env.put("KILN_HTTP_PORTT", "9000");
        env.put("KILN_INFRA_MODE", "local");
        env.put("PATH", "/usr/bin");

        assertThat(problems(Optional.of(file), env))
                .containsExactlyInAnyOrder(
                        "batch.max-image: unknown setting, did you mean batch.max-images?",
                        "s3.bukket: unknown setting, did you mean s3.bucket?",
                        "KILN_HTTP_PORTT: unknown setting, did you mean KILN_HTTP_PORT?");
    }

    @Test
    void pathStyleFollowsTheEndpointUnlessSet() throws Exception {
        Map<String, String> env = required();
        env.put("KILN_S3_ENDPOINT", "https://storage.example.com");

        assertThat(WorkerConfigLoader.load(Optional.empty(), env).storage().s3().pathStyleAccess())
                .isTrue();

        env.put("KILN_S3_PATH_STYLE", "false");
        assertThat(WorkerConfigLoader.load(Optional.empty(), env).storage().s3().pathStyleAccess())
                .isFalse();
    }

    @Test
    void reportsDeviceAndDtypeProblemsUnderTheirKeys() {
        Map<String, String> env = required();
        env.put("KILN_MODEL_DEVICE", "gpu:1");
        env.put("KILN_MODEL_DTYPE", "bf16");

        List<String> problems = problems(Optional.empty(), env);

        assertThat(problems).hasSize(2);
        assertThat(problems.get(0))
                .isEqualTo("model.device: must be a DJL device such as cpu, gpu or gpu1"
                        + " (Failed to parse device name: gpu:1)");
        assertThat(problems.get(1)).startsWith("model.dtype: bfloat16 is not supported");
    }

    @Test
    void namesTheModelAfterAModelFile() throws Exception {
        Path checkpoint = Files.createFile(dir.resolve("v1-5-pruned.safetensors"));
        Map<String, String> env = required();
        env.put("KILN_MODEL_PATH", checkpoint.toString());

        ModelSettings settings = WorkerConfigLoader.load(Optional.empty(), env).model();

        assertThat(settings.path()).isEqualTo(checkpoint);
        assertThat(settings.name()).isEqualTo("v1-5-pruned.safetensors");
        assertThat(settings.options().dtype()).isEqualTo(ai.djl.ndarray.types.DataType.FLOAT32);
    }
}
