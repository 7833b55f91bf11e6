package io.kiln.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.kiln.dispatcher.config.ApiKey;
import io.kiln.dispatcher.config.DispatcherConfig;
import io.kiln.dispatcher.config.HttpSettings;
import io.kiln.dispatcher.config.MetricsSettings;
import io.kiln.dispatcher.config.RateLimit;
import io.kiln.dispatcher.config.TopicSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DispatcherMainTest {
    private static final String HASH = "c".repeat(64);

    @Test
    void readsTheEnvironmentWithDefaults() {
        DispatcherConfig config = DispatcherMain.fromEnvironment(Map.of(
                "KILN_KAFKA_BOOTSTRAP", "127.0.0.1:9092",
                "KILN_DISPATCHER_API_KEYS", "ana:" + HASH + ", bo:" + "d".repeat(64),
                "KILN_DISPATCHER_PORT", "9000"));
        assertThat(config.http().port()).isEqualTo(9000);
        assertThat(config.http().maxBodyBytes()).isEqualTo(HttpSettings.DEFAULT_MAX_BODY_BYTES);
        assertThat(config.kafka().acceptTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(config.topics()).isEqualTo(TopicSettings.defaults());
        assertThat(config.apiKeys()).extracting(ApiKey::name).containsExactly("ana", "bo");
        assertThat(config.apiKeys()).extracting(ApiKey::rateLimit).containsOnly(RateLimit.DEFAULT);
        assertThat(config.metrics()).isEqualTo(MetricsSettings.defaults());
    }

    @Test
    void aKeyMayHaveItsOwnRateAndTheOthersTakeTheDefaultRate() {
        DispatcherConfig config = DispatcherMain.fromEnvironment(Map.of(
                "KILN_KAFKA_BOOTSTRAP", "127.0.0.1:9092",
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
}
