package io.kiln.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrainingSettingsTest {
    private final TrainingSettings settings =
            new TrainingSettings(1100, 8, 1e-3, 100, 1.0, 0.999, Duration.ofMinutes(3), 1);

    @Test
    void warmsUpLinearlyThenDecaysAlongAHalfCosineToATenth() {
        assertThat(settings.learningRateAt(1)).isCloseTo(1e-5, within(1e-12));
        assertThat(settings.learningRateAt(100)).isCloseTo(1e-3, within(1e-12));
        assertThat(settings.learningRateAt(600)).isCloseTo(0.55e-3, within(1e-9));
        assertThat(settings.learningRateAt(1100)).isCloseTo(1e-4, within(1e-12));
    }

    @Test
    void namesEveryInvalidSetting() {
        assertThatThrownBy(() -> new TrainingSettings(0, 0, 0, -1, 0, 1, Duration.ZERO, 1))
                .hasMessageContainingAll(
                        "steps",
                        "batch size",
                        "learning rate",
                        "warm-up steps",
                        "clip norm",
                        "EMA decay",
                        "checkpoint interval");
    }
}
