package io.kiln.engine.random;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * Accuracy bounds for the Cephes approximations. Their bit-exactness against torch is the job of
 * {@link TorchGeneratorGoldenTest}: every float normal of a tensor of 16 or more elements goes through them.
 */
class AvxMathFunTest {
    private static final int SAMPLES = 1 << 20;

    @Test
    void logIsWithinTwoUlpOnTheArgumentsBoxMullerPasses() {
        double worstUlps = 0;
        for (int i = 1; i <= SAMPLES; i++) {
            float u1 = i * 0x1.0p-20f; // 1 − u for u on a grid of [0, 1)
            double exact = Math.log(u1);
            worstUlps = Math.max(worstUlps, Math.abs(AvxMathFun.log(u1) - exact) / Math.ulp((float) exact));
        }

        assertThat(worstUlps).isLessThanOrEqualTo(2.0);
        assertThat(AvxMathFun.log(1.0f)).isZero();
        assertThat(AvxMathFun.log(0x1.0p-24f)).isEqualTo((float) (-24 * Math.log(2)));
    }

    @Test
    void sinAndCosAreWithinTwoFloatEpsilonsOverAFullTurn() {
        double worstError = 0;
        for (int i = 0; i < SAMPLES; i++) {
            float theta = (float) (2.0 * Math.PI) * (i * 0x1.0p-20f);
            worstError = Math.max(worstError, Math.abs(AvxMathFun.sin(theta) - Math.sin(theta)));
            worstError = Math.max(worstError, Math.abs(AvxMathFun.cos(theta) - Math.cos(theta)));
        }

        assertThat(worstError).isLessThanOrEqualTo(0x1.0p-23);
        assertThat(AvxMathFun.sin(0.0f)).isZero();
        assertThat(AvxMathFun.cos(0.0f)).isEqualTo(1.0f);
    }
}
