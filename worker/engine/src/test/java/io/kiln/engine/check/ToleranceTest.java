package io.kiln.engine.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ToleranceTest {

    @Test
    void allowsTheAbsolutePlusTheRelativeBound() {
        Tolerance tolerance = new Tolerance(1e-3, 1e-2, "test");

        assertThat(tolerance.allows(10.1, 10)).isTrue(); // 0.1 ≤ 0.001 + 0.1
        assertThat(tolerance.allows(10.102, 10)).isFalse();
        assertThat(tolerance.allows(0.0009, 0)).isTrue();
        assertThat(tolerance.allows(-0.0011, 0)).isFalse();
    }

    @Test
    void neverAllowsNaN() {
        Tolerance tolerance = new Tolerance(1, 1, "test");

        assertThat(tolerance.allows(Double.NaN, 0)).isFalse();
        assertThat(tolerance.allows(0, Double.NaN)).isFalse();
    }

    @Test
    void zeroToleranceAllowsOnlyEquality() {
        Tolerance exact = new Tolerance(0, 0, "test");

        assertThat(exact.allows(0.25, 0.25)).isTrue();
        assertThat(exact.allows(Math.nextUp(0.25), 0.25)).isFalse();
    }

    @Test
    void printsEverySignificantDigitAndTheSource() {
        assertThat(new Tolerance(2e-5, 1e-4, "manifest m.json")).hasToString("atol 2e-05 rtol 1e-04 (manifest m.json)");
        assertThat(new Tolerance(2.5e-5, 0, "given")).hasToString("atol 2.5e-05 rtol 0 (given)");
    }

    @Test
    void refusesNegativeOrNonFiniteBoundsByName() {
        assertThatThrownBy(() -> new Tolerance(-1e-5, 0, "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("atol:");
        assertThatThrownBy(() -> new Tolerance(0, Double.NaN, "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rtol:");
        assertThatThrownBy(() -> new Tolerance(0, Double.POSITIVE_INFINITY, "test"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("rtol:");
    }
}
