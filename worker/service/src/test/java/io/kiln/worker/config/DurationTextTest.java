package io.kiln.worker.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationTextTest {

    @ParameterizedTest
    @CsvSource({
        "200ms, PT0.2S",
        "10s, PT10S",
        "1m, PT1M",
        "5m, PT5M",
        "1h, PT1H",
        "7d, PT168H",
        "0s, PT0S",
        "10 s, PT10S",
        "PT10S, PT10S",
        "pt1m30s, PT1M30S",
        "P1D, PT24H",
        "PT0.25S, PT0.25S"
    })
    void parsesShortAndIsoForms(String text, String expected) {
        assertThat(DurationText.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(
            strings = {"10", "ten", "1.5s", "-5s", "10 sec", "s", "", "99999999999999999999ms", "9223372036854775807d"})
    void refusesOtherTextNamingTheForms(String text) {
        assertThatThrownBy(() -> DurationText.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("must be a duration such as 200ms, 10s, 5m, 1h or PT10S");
    }

    @ParameterizedTest
    @CsvSource({
        "PT168H, 7d",
        "PT2H, 2h",
        "PT90S, 90s",
        "PT0.2S, 200ms",
        "PT0S, 0s",
        "PT-1S, -1s",
        "PT0.0000001S, PT0.0000001S"
    })
    void formatsInTheShortestExactForm(String iso, String expected) {
        assertThat(DurationText.format(Duration.parse(iso))).isEqualTo(expected);
    }
}
