package io.kiln.engine.random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Expected values are the doubles nearest to 200-bit mpmath results. */
class CorrectlyRoundedTest {

    @ParameterizedTest(name = "{0}({1})")
    @CsvSource({
        // arguments on which fdlibm (StrictMath) returns the neighbouring double
        "log, 0x1.185989332bc3cp-1, -0x1.345eebf473d25p-1",
        "log, 0x1.c95f5c73a5f9ap-1, -0x1.ce231db0b6d8fp-4",
        "log, 0x1.3c677a57ed68dp-1, -0x1.ecdafa261dbb1p-2",
        "log, 0x1.6cb7b76b5f144p-2, -0x1.0847fafab3335p+0",
        "sin, 0x1.5b70270e29670p+2, -0x1.822917f798687p-1",
        "sin, 0x1.a97396b017804p-1, 0x1.7a2703c8a6937p-1",
        "sin, 0x1.25c1c858ad114p+1, 0x1.7f828f932d95bp-1",
        "sin, 0x1.12c19ee2c373cp+2, -0x1.d3a4a3997d945p-1",
        "cos, 0x1.02e64aa305529p+2, -0x1.3cc5db0be7679p-1",
        "cos, 0x1.2a0b430d022f8p+1, -0x1.5fdced99983aep-1",
        "cos, 0x1.3242c1ff2c127p-1, 0x1.a719f8b469f80p-1",
        "cos, 0x1.309a318c14352p-1, 0x1.a8087c96594fdp-1",
        // ends of the ranges, the smallest argument of each function, and the reduction next to multiples of π/2
        "log, 0x1.0p0, 0x0.0p0",
        "log, 0x1.0p-1, -0x1.62e42fefa39efp-1",
        "log, 0x1.0p-53, -0x1.25e4f7b2737fap+5",
        "log, 0x0.0000000000001p-1022, -0x1.74385446d71c3p+9",
        "sin, 0x0.0p0, 0x0.0p0",
        "cos, 0x0.0p0, 0x1.0p0",
        "sin, 0x1.56e1fc2f8f359p-997, 0x1.56e1fc2f8f359p-997",
        "cos, 0x1.921fb54442d18p+0, 0x1.1a62633145c07p-54",
        "sin, 0x1.921fb54442d18p+1, 0x1.1a62633145c07p-53",
        "cos, 0x1.921fb54442d18p+1, -0x1.0p0",
        "sin, 0x1.921fb54442d18p+2, -0x1.1a62633145c07p-52",
    })
    void returnsTheNearestDouble(String function, String argument, String expected) {
        double x = Double.parseDouble(argument);
        double actual =
                switch (function) {
                    case "log" -> CorrectlyRounded.log(x);
                    case "sin" -> CorrectlyRounded.sin(x);
                    case "cos" -> CorrectlyRounded.cos(x);
                    default -> throw new IllegalArgumentException(function);
                };

        assertThat(actual).isEqualTo(Double.parseDouble(expected));
    }

    @ParameterizedTest
    @ValueSource(doubles = {0.0, -1.0, Double.NaN, Double.POSITIVE_INFINITY})
    void rejectsLogarithmsOutsideThePositiveFiniteDoubles(double x) {
        assertThatThrownBy(() -> CorrectlyRounded.log(x)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @ValueSource(doubles = {0x1.0p21, Double.NaN, Double.NEGATIVE_INFINITY})
    void rejectsAnglesBeyondTheAccurateReduction(double x) {
        assertThatThrownBy(() -> CorrectlyRounded.sin(x)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> CorrectlyRounded.cos(x)).isInstanceOf(IllegalArgumentException.class);
    }
}
