package io.kiln.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.kiln.clients.S3Settings;
import io.kiln.dispatcher.config.ApiKey;
import io.kiln.dispatcher.config.DispatcherConfig;
import io.kiln.dispatcher.config.HttpSettings;
import io.kiln.dispatcher.config.MetricsSettings;
import io.kiln.dispatcher.config.RateLimit;
import io.kiln.dispatcher.config.TopicSettings;
import io.kiln.dispatcher.config.UploadSettings;
import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatcherMainTest {
    private static final String HASH = "c".repeat(64);

    /** The variables every configuration needs. */
    private static Map<String, String> required() {
        return Map.of(
                "KILN_KAFKA_BOOTSTRAP", "k:9092",
                "KILN_DISPATCHER_API_KEYS", "ana:" + HASH,
                "KILN_S3_BUCKET", "kiln-uploads");
    }

    private static Map<String, String> with(String... pairs) {
        Map<String, String> env = new HashMap<>(required());
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return env;
    }

    @Test
    void readsTheEnvironmentWithDefaults() {
        DispatcherConfig config = DispatcherMain.fromEnvironment(Map.of(
                "KILN_KAFKA_BOOTSTRAP", "127.0.0.1:9092",
                "KILN_DISPATCHER_API_KEYS", "ana:" + HASH + ", bo:" + "d".repeat(64),
                "KILN_DISPATCHER_PORT", "9000",
                "KILN_S3_BUCKET", "kiln-uploads"));
        assertThat(config.http().port()).isEqualTo(9000);
        assertThat(config.http().maxBodyBytes()).isEqualTo(HttpSettings.DEFAULT_MAX_BODY_BYTES);
        assertThat(config.kafka().acceptTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.topics()).isEqualTo(TopicSettings.defaults());
        assertThat(config.apiKeys()).extracting(ApiKey::name).containsExactly("ana", "bo");
        // AWS itself, as the worker defaults to
        assertThat(config.storage().s3()).isEqualTo(S3Settings.aws("us-east-1"));
        assertThat(config.storage().bucket()).isEqualTo("kiln-uploads");
        assertThat(config.storage().urlExpiry()).isEqualTo(Duration.ofHours(1));
        assertThat(config.uploads()).isEqualTo(UploadSettings.defaults());
        assertThat(config.uploads().maxBytes()).isEqualTo(8L * 1024 * 1024);
        assertThat(config.apiKeys()).extracting(ApiKey::rateLimit).containsOnly(RateLimit.DEFAULT);
        assertThat(config.metrics()).isEqualTo(MetricsSettings.defaults());
    }

    @Test
    void readsAnS3CompatibleStoreAsTheWorkerDoes() {
        DispatcherConfig config = DispatcherMain.fromEnvironment(with(
                "KILN_S3_ENDPOINT", " http://minio:9000 ",
                "KILN_S3_REGION", "eu-west-1",
                "KILN_S3_ACCESS_KEY", "kiln",
                "KILN_S3_SECRET_KEY", "s3-secret",
                "KILN_DISPATCHER_URL_EXPIRY_SECONDS", "600",
                "KILN_DISPATCHER_MAX_UPLOAD_BYTES", "1048576",
                "KILN_DISPATCHER_MAX_CONCURRENT_UPLOADS", "2"));
        assertThat(config.storage().s3())
                .isEqualTo(
                        S3Settings.compatibleStore(URI.create("http://minio:9000"), "eu-west-1", "kiln", "s3-secret"));
        assertThat(config.storage().urlExpiry()).isEqualTo(Duration.ofMinutes(10));
        assertThat(config.uploads()).isEqualTo(new UploadSettings(1_048_576, 2));

        // path-style follows the endpoint unless set; a blank value counts as not set
        assertThat(DispatcherMain.fromEnvironment(
                                with("KILN_S3_ENDPOINT", "http://minio:9000", "KILN_S3_PATH_STYLE", "false"))
                        .storage()
                        .s3()
                        .pathStyleAccess())
                .isFalse();
        assertThat(DispatcherMain.fromEnvironment(with("KILN_S3_ENDPOINT", " ", "KILN_S3_REGION", ""))
                        .storage()
                        .s3())
                .isEqualTo(S3Settings.aws("us-east-1"));
    }

    @Test
    void aKeyMayHaveItsOwnRateAndTheOthersTakeTheDefaultRate() {
        DispatcherConfig config = DispatcherMain.fromEnvironment(Map.of(
                "KILN_KAFKA_BOOTSTRAP", "127.0.0.1:9092",
                "KILN_S3_BUCKET", "kiln-uploads",
                "KILN_DISPATCHER_API_KEYS",
                        "ana:" + HASH + ":500/s, bo:" + "d".repeat(64) + ", cy:" + "e".repeat(64) + ":60/min",
                "KILN_DISPATCHER_RATE_LIMIT", "20/s"));
        assertThat(config.apiKeys())
                .extracting(key -> key.name() + " " + key.rateLimit())
                .containsExactly("ana 500/s", "bo 20/s", "cy 60/min");
    }

    @Test
    void readsWhereMetricsAreServedAndTheWorkersGroup() {
        DispatcherConfig config = DispatcherMain.fromEnvironment(Map.of(
                "KILN_KAFKA_BOOTSTRAP", "127.0.0.1:9092",
                "KILN_S3_BUCKET", "kiln-uploads",
                "KILN_DISPATCHER_API_KEYS", "ana:" + HASH,
                "KILN_DISPATCHER_METRICS_HOST", "0.0.0.0",
                "KILN_DISPATCHER_METRICS_PORT", "9464",
                "KILN_DISPATCHER_WORKER_GROUP", "gpu-workers"));
        assertThat(config.metrics()).isEqualTo(new MetricsSettings("0.0.0.0", 9464, "gpu-workers"));
    }

    @Test
    void aBadRateNamesTheVariableAndTheKeyButNeverShowsTheHash() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DispatcherMain.fromEnvironment(
                        Map.of("KILN_KAFKA_BOOTSTRAP", "k:9092", "KILN_DISPATCHER_API_KEYS", "ana:" + HASH + ":fast")))
                .withMessageStartingWith("KILN_DISPATCHER_API_KEYS, the rate of 'ana': ")
                .withMessageNotContaining(HASH);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DispatcherMain.fromEnvironment(Map.of(
                        "KILN_KAFKA_BOOTSTRAP", "k:9092", "KILN_DISPATCHER_API_KEYS", "ana:" + HASH + ":5/s:extra")))
                .withMessageStartingWith("KILN_DISPATCHER_API_KEYS: each entry must be")
                .withMessageNotContaining(HASH);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DispatcherMain.fromEnvironment(Map.of(
                        "KILN_KAFKA_BOOTSTRAP", "k:9092",
                        "KILN_DISPATCHER_API_KEYS", "ana:" + HASH,
                        "KILN_DISPATCHER_RATE_LIMIT", "100")))
                .withMessageStartingWith("KILN_DISPATCHER_RATE_LIMIT: ");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DispatcherMain.fromEnvironment(Map.of(
                        "KILN_KAFKA_BOOTSTRAP", "k:9092",
                        "KILN_DISPATCHER_API_KEYS", "ana:ABC")))
                .withMessage("KILN_DISPATCHER_API_KEYS: apiKeys[ana].sha256: must be 64 lowercase hex digits");
    }

    @Test
    void namesTheSettingThatIsMissingOrBad() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DispatcherMain.fromEnvironment(Map.of("KILN_DISPATCHER_API_KEYS", "ana:" + HASH)))
                .withMessage("KILN_KAFKA_BOOTSTRAP: must be set");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DispatcherMain.fromEnvironment(Map.of(
                        "KILN_KAFKA_BOOTSTRAP", "k:9092",
                        "KILN_DISPATCHER_API_KEYS", "ana:" + HASH,
                        "KILN_DISPATCHER_PORT", "eighty")))
                .withMessageStartingWith("KILN_DISPATCHER_PORT:");
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DispatcherMain.fromEnvironment(
                        Map.of("KILN_KAFKA_BOOTSTRAP", "k:9092", "KILN_DISPATCHER_API_KEYS", "ana")))
                .withMessageStartingWith("KILN_DISPATCHER_API_KEYS:");
    }

    @Test
    void namesTheS3OrUploadVariableThatIsMissingOrBad() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DispatcherMain.fromEnvironment(
                        Map.of("KILN_KAFKA_BOOTSTRAP", "k:9092", "KILN_DISPATCHER_API_KEYS", "ana:" + HASH)))
                .withMessage("KILN_S3_BUCKET: must be set");
        assertRefused(with("KILN_S3_BUCKET", "Kiln_Uploads"), "KILN_S3_BUCKET: must be 3 to 63 lowercase");
        assertRefused(with("KILN_S3_ENDPOINT", "minio 9000"), "KILN_S3_ENDPOINT: must be an http or https URI");
        assertRefused(with("KILN_S3_ENDPOINT", "ftp://minio"), "KILN_S3_ENDPOINT: must be an http or https URI");
        assertRefused(with("KILN_S3_REGION", "EU West"), "KILN_S3_REGION: must look like us-east-1");
        assertRefused(with("KILN_S3_PATH_STYLE", "yes"), "KILN_S3_PATH_STYLE: must be true or false");
        assertRefused(
                with("KILN_S3_ACCESS_KEY", "kiln"), "KILN_S3_SECRET_KEY: must be set together with KILN_S3_ACCESS_KEY");
        assertRefused(
                with("KILN_S3_SECRET_KEY", "s3-secret"),
                "KILN_S3_ACCESS_KEY: must be set together with KILN_S3_SECRET_KEY");
        assertRefused(with("KILN_DISPATCHER_URL_EXPIRY_SECONDS", "0"), "KILN_DISPATCHER_URL_EXPIRY_SECONDS: must be");
        assertRefused(
                with("KILN_DISPATCHER_URL_EXPIRY_SECONDS", "1h"),
                "KILN_DISPATCHER_URL_EXPIRY_SECONDS: must be a whole number");
        assertRefused(
                with("KILN_DISPATCHER_MAX_UPLOAD_BYTES", "1073741824"), "KILN_DISPATCHER_MAX_UPLOAD_BYTES: must be");
        assertRefused(
                with("KILN_DISPATCHER_MAX_CONCURRENT_UPLOADS", "0"), "KILN_DISPATCHER_MAX_CONCURRENT_UPLOADS: must be");
        assertRefused(
                with("KILN_DISPATCHER_MAX_CONCURRENT_UPLOADS", "99999999999"),
                "KILN_DISPATCHER_MAX_CONCURRENT_UPLOADS: must be a whole number");
    }

    @Test
    void aRefusedSecretKeyIsNeverShown() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DispatcherMain.fromEnvironment(with("KILN_S3_SECRET_KEY", "s3-secret")))
                .withMessageNotContaining("s3-secret");
    }

    private static void assertRefused(Map<String, String> env, String messageStart) {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> DispatcherMain.fromEnvironment(env))
                .withMessageStartingWith(messageStart);
    }
}
