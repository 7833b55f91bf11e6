package io.kiln.dispatcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.kiln.dispatcher.config.ApiKey;
import io.kiln.dispatcher.config.DispatcherConfig;
import io.kiln.dispatcher.config.HttpSettings;
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
