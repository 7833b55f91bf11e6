package io.kiln.engine.check;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.check.CheckResult.Compared;
import io.kiln.engine.check.CheckResult.NotCompared;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class CheckResultTest {
    private static final Tolerance TOLERANCE = new Tolerance(1e-3, 0, "test");

    private final NDManager manager = NDManager.newBaseManager();

    @AfterEach
    void close() {
        manager.close();
    }

    @Test
    void passesWhenEveryElementIsWithinTheTolerance() {
        CheckResult result =
                CheckResult.compare("unet/out", array(1.0f, 2.0005f, -3f), array(1.0f, 2.0f, -3.0009f), TOLERANCE);

        assertThat(result.passed()).isTrue();
        assertThat(((Compared) result).maxAbsError()).isCloseTo(9e-4, org.assertj.core.data.Offset.offset(1e-6));
        assertThat(result.line())
                .startsWith("unet/out")
                .contains("max_abs_error 9.00e-04", "tolerance atol 1e-03 rtol 0 (test)")
                .endsWith("PASS");
    }

    @Test
    void failsAndCountsTheElementsOutside() {
        CheckResult result =
                CheckResult.compare("vae_decode/decoded", array(1f, 2.5f, 3f), array(1f, 2f, 4f), TOLERANCE);

        assertThat(result.passed()).isFalse();
        assertThat(((Compared) result).maxAbsError()).isEqualTo(1.0);
        assertThat(result.line()).contains("max_abs_error 1.00e+00").endsWith("FAIL (2 of 3 elements outside)");
    }

    @Test
    void aNaNFailsAndShowsAsTheMaximumError() {
        CheckResult result = CheckResult.compare("unet/out", array(Float.NaN, 5f), array(0f, 0f), TOLERANCE);

        assertThat(result.passed()).isFalse();
        assertThat(((Compared) result).maxAbsError()).isNaN();
        assertThat(result.line()).contains("max_abs_error NaN").endsWith("FAIL (2 of 2 elements outside)");
    }

    @Test
    void outputsOfAnotherShapeAreNotComparedAndFail() {
        NDArray actual = manager.zeros(new Shape(2, 3, 256, 256));
        NDArray reference = manager.zeros(new Shape(2, 3, 64, 64));

        CheckResult result = CheckResult.compare("vae_decode/decoded", actual, reference, TOLERANCE);

        assertThat(result).isInstanceOf(NotCompared.class);
        assertThat(result.passed()).isFalse();
        assertThat(result.line())
                .contains("max_abs_error -")
                .endsWith("FAIL (shape (2, 3, 256, 256), reference (2, 3, 64, 64))");
    }

    private NDArray array(float... values) {
        return manager.create(values);
    }
}
