package io.kiln.dispatcher.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.kiln.clients.S3Settings;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatcherConfigTest {
    private static final String HASH_A = "a".repeat(64);
    private static final String HASH_B = "b".repeat(64);

    private static DispatcherConfig config(List<ApiKey> keys) {
        return new DispatcherConfig(
                HttpSettings.defaults(),
                KafkaSettings.of("127.0.0.1:9092"),
                TopicSettings.defaults(),
                new StatusSettings(StatusSettings.DEFAULT_APPLICATION_ID, Path.of("state")),
                keys,
                storage("kiln-uploads", StorageSettings.DEFAULT_URL_EXPIRY),
                UploadSettings.defaults(),
                MetricsSettings.defaults());
    }

    private static StorageSettings storage(String bucket, Duration urlExpiry) {
        return new StorageSettings(
                S3Settings.compatibleStore(URI.create("http://127.0.0.1:9000"), "us-east-1", "kiln", "s3-secret"),
                bucket,
                urlExpiry);
    }

    @Test
    void acceptsDistinctKeys() {
        assertThat(config(List.of(new ApiKey("ana", HASH_A), new ApiKey("bo", HASH_B)))
                        .apiKeys())
                .extracting(ApiKey::name)
                .containsExactly("ana", "bo");
    }

    @Test
    void rejectsNoKeysAndRepeatedNamesOrHashes() {
        assertThatIllegalArgumentException().isThrownBy(() -> config(List.of())).withMessageStartingWith("apiKeys:");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> config(List.of(new ApiKey("ana", HASH_A), new ApiKey("ana", HASH_B))))
                .withMessageContaining("'ana' is used twice");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> config(List.of(new ApiKey("ana", HASH_A), new ApiKey("bo", HASH_A))))
                .withMessageStartingWith("apiKeys[bo]");
    }

    @Test
    void keyHashMustBeLowercaseSha256HexAndIsNeverShown() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ApiKey("ana", "ABC"))
                .withMessage("apiKeys[ana].sha256: must be 64 lowercase hex digits");
        assertThat(new ApiKey("ana", HASH_A).toString()).doesNotContain(HASH_A);
    }

    @Test
    void settingsNameTheFieldTheyReject() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new HttpSettings("127.0.0.1", 70_000, 65_536))
                .withMessageStartingWith("http.port:");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new HttpSettings("127.0.0.1", 0, 10))
                .withMessageStartingWith("http.maxBodyBytes:");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new KafkaSettings("127.0.0.1:9092", Duration.ofMillis(10), Map.of()))
                .withMessageStartingWith("kafka.acceptTimeout:");
        assertThatIllegalArgumentException()
                .as("a submission must answer before a client's 60 s timeout")
                .isThrownBy(() -> new KafkaSettings("127.0.0.1:9092", Duration.ofSeconds(26), Map.of()))
                .withMessageStartingWith("kafka.acceptTimeout:");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new TopicSettings("a", "a", "b", "c"))
                .withMessageStartingWith("topics:");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new StatusSettings("no spaces", Path.of("x")))
                .withMessageStartingWith("status.applicationId:");
    }

    @Test
    void storageAndUploadSettingsNameTheFieldTheyReject() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> storage("Uploads_Bucket", Duration.ofHours(1)))
                .withMessageStartingWith("storage.bucket:")
                .withMessageContaining("'Uploads_Bucket'");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> storage("kiln-uploads", Duration.ZERO))
                .withMessageStartingWith("storage.urlExpiry:");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> storage("kiln-uploads", Duration.ofDays(8)))
                .withMessageStartingWith("storage.urlExpiry:");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new UploadSettings(1023, 4))
                .withMessageStartingWith("uploads.maxBytes:");
        // a worker would refuse to read a larger init image
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new UploadSettings(32L * 1024 * 1024 + 1, 4))
                .withMessageStartingWith("uploads.maxBytes:");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new UploadSettings(8192, 0))
                .withMessageStartingWith("uploads.maxConcurrent:");
    }

    @Test
    void theConfigurationNeverShowsTheS3Secret() {
        assertThat(config(List.of(new ApiKey("ana", HASH_A))).toString())
                .contains("kiln-uploads")
                .doesNotContain("s3-secret");
    }

    @Test
    void kafkaSettingsNeverShowClientPropertyValues() {
        var kafka = new KafkaSettings(
                "127.0.0.1:9092", Duration.ofSeconds(5), Map.of("sasl.jaas.config", "password=\"hunter2\""));
        assertThat(kafka.toString()).contains("sasl.jaas.config").doesNotContain("hunter2");
    }
}
