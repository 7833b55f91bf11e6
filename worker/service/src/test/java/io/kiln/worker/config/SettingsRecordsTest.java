package io.kiln.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.clients.S3Settings;
import io.kiln.contracts.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SettingsRecordsTest {
    private static final Duration MINUTE = Duration.ofMinutes(1);

    @Test
    void defaultTopicsNameRetryTopicsLikeTheContract() {
        TopicSettings topics = TopicSettings.defaults();

        for (int retry = 1; retry <= Topics.DEFAULT_RETRIES; retry++) {
            assertThat(topics.retryTopic(retry)).isEqualTo(Topics.retryTopic(retry));
        }
        assertThatThrownBy(() -> topics.retryTopic(0))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("retry: retries are counted from 1, was 0");
    }

    @Test
    void subscribesToTheJobTopicAndEveryRetryTopicOfItWhateverTheirNumber() {
        var subscribed = TopicSettings.defaults().jobsAndRetries().asMatchPredicate();

        assertThat(List.of("kiln.jobs.v1", "kiln.jobs.v1-retry-1", "kiln.jobs.v1-retry-3", "kiln.jobs.v1-retry-12"))
                .allMatch(subscribed);
        assertThat(List.of(
                        "kiln.jobs.v1.DLT",
                        "kiln.jobs.v1-retry-0",
                        "kiln.jobs.v1-retry-",
                        "kiln.jobs.v1-retry-1x",
                        "kilnXjobs.v1",
                        "kiln.events.v1",
                        "kiln.control.v1"))
                .noneMatch(subscribed);
    }

    @Test
    void refusesIllegalOrSharedTopicNamesByField() {
        assertThatThrownBy(() -> new TopicSettings("jobs", "bad topic", "dlt", "control"))
                .hasMessageStartingWith("events: ");
        assertThatThrownBy(() -> new TopicSettings("jobs", "events", "..", "control"))
                .hasMessageStartingWith("deadLetters: ");
        assertThatThrownBy(() -> new TopicSettings("jobs", "events", "dlt", "jobs"))
                .hasMessageContaining("four different topics");
    }

    @Test
    void storageChecksBucketPrefixAndUrlExpiryByField() {
        S3Settings s3 = S3Settings.aws("us-east-1");
        Duration hour = StorageSettings.DEFAULT_URL_EXPIRY;

        assertThat(new StorageSettings(s3, "kiln-images", "", hour).prefix()).isEmpty();
        assertThatThrownBy(() -> new StorageSettings(s3, "ab", "", hour)).hasMessageStartingWith("bucket: ");
        assertThatThrownBy(() -> new StorageSettings(s3, "kiln-images", "out/", hour))
                .hasMessage("prefix: must not start or end with '/', was 'out/'");
        assertThatThrownBy(() -> new StorageSettings(s3, "kiln-images", "", Duration.ofDays(8)))
                .hasMessage("urlExpiry: must be from 1s to 7d, was 8d");
        assertThatThrownBy(() -> new StorageSettings(s3, "kiln-images", "", Duration.ZERO))
                .hasMessageStartingWith("urlExpiry: ");
    }

    @Test
    void batchingRetryShutdownAndHttpCheckTheirRangesByField() {
        assertThatThrownBy(() -> new BatchingSettings(0, Duration.ZERO, MINUTE))
                .hasMessage("maxBatchImages: must be from 1 to 2147483647, was 0");
        assertThatThrownBy(() -> new BatchingSettings(1, Duration.ofMillis(-1), MINUTE))
                .hasMessageStartingWith("maxBatchDelay: ");
        assertThatThrownBy(() -> new BatchingSettings(1, Duration.ZERO, Duration.ofSeconds(-1)))
                .hasMessageStartingWith("starvationLimit: ");
        assertThatThrownBy(() -> new RetrySettings(
                        List.of(Duration.ofSeconds(-1)),
                        Duration.ofMillis(1),
                        Duration.ofMillis(1),
                        Duration.ZERO,
                        MINUTE))
                .hasMessageStartingWith("delays[0]: ");
        assertThatThrownBy(() -> new RetrySettings(
                        List.of(), Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ZERO, MINUTE))
                .hasMessage("storageMaxBackoff: must be at least storageInitialBackoff (2s), was 1s");
        assertThatThrownBy(
                        () -> new RetrySettings(List.of(), Duration.ZERO, Duration.ofSeconds(1), Duration.ZERO, MINUTE))
                .hasMessageStartingWith("storageInitialBackoff: ");
        assertThatThrownBy(() -> new RetrySettings(
                        List.of(), Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO, Duration.ZERO))
                .hasMessageStartingWith("brokerGiveUpAfter: ");
        assertThatThrownBy(() -> new ShutdownSettings(null)).hasMessage("grace: must not be null");
        assertThatThrownBy(() -> new HttpSettings("127.0.0.1", 65_536))
                .hasMessage("port: must be from 0 to 65535, was 65536");
        assertThatThrownBy(() -> new HttpSettings(" ", 0)).hasMessage("host: must not be blank");
    }

    @Test
    void retrySettingsKeepAnImmutableCopyOfTheDelays() {
        List<Duration> delays = new java.util.ArrayList<>(List.of(Duration.ofSeconds(1)));
        RetrySettings settings =
                new RetrySettings(delays, Duration.ofMillis(1), Duration.ofMillis(1), Duration.ZERO, MINUTE);
        delays.add(Duration.ofSeconds(2));

        assertThat(settings.retries()).isEqualTo(1);
        assertThatThrownBy(() -> settings.delays().add(Duration.ZERO))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void kafkaSettingsCopyTheClientPropertiesAndMaskSecretsWhenShown() {
        Map<String, String> properties = new HashMap<>();
        properties.put("security.protocol", "SASL_SSL");
        properties.put("sasl.jaas.config", "PlainLoginModule required password=\"hunter2\";");
        properties.put("ssl.truststore.password", "hunter2");
        KafkaSettings settings = new KafkaSettings("kafka:9092", "kiln-workers", Optional.empty(), properties);
        properties.put("acks", "0");

        assertThat(settings.clientProperties()).doesNotContainKey("acks").hasSize(3);
        assertThat(settings.toString())
                .doesNotContain("hunter2")
                .contains("security.protocol=SASL_SSL", "sasl.jaas.config=***", "ssl.truststore.password=***");
        assertThatThrownBy(() -> new KafkaSettings("kafka:9092", "g", Optional.of(" "), Map.of()))
                .hasMessage("groupInstanceId: must not be blank");
    }

    @Test
    void workerConfigRefusesAnIdWithSpaces() {
        var model = new ModelSettings(Path.of("m"), "m", "cpu", "float32");
        var kafka = new KafkaSettings("kafka:9092", "g", Optional.empty(), Map.of());
        var storage = new StorageSettings(S3Settings.aws("us-east-1"), "kiln-images", "", Duration.ofHours(1));

        assertThatThrownBy(() -> new WorkerConfig(
                        "gpu 1",
                        kafka,
                        TopicSettings.defaults(),
                        storage,
                        model,
                        BatchingSettings.defaults(),
                        RetrySettings.defaults(),
                        ShutdownSettings.defaults(),
                        HttpSettings.defaults()))
                .hasMessageStartingWith("workerId: ");
    }
}
