package io.kiln.engine.check;

import java.math.BigDecimal;
import java.util.Locale;

/**
 * An elementwise bound between a model's output and the reference: {@code |actual − ref| ≤ atol + rtol·|ref|}, the
 * rule of the golden README (numpy's {@code allclose}).
 *
 * @param source where the numbers came from, printed beside them so a reader knows which bound a line was held to
 */
public record Tolerance(double atol, double rtol, String source) {
    public Tolerance {
        if (!(atol >= 0) || Double.isInfinite(atol)) {
            throw new IllegalArgumentException("atol: must be a finite number ≥ 0, got " + atol);
        }
        if (!(rtol >= 0) || Double.isInfinite(rtol)) {
            throw new IllegalArgumentException("rtol: must be a finite number ≥ 0, got " + rtol);
        }
    }

    /** Whether {@code actual} is within this bound of {@code reference}; NaN never is. */
    public boolean allows(double actual, double reference) {
        return Math.abs(actual - reference) <= atol + rtol * Math.abs(reference);
    }

    /** {@code atol 2e-05 rtol 1e-04 (source)}, every significant digit kept. */
    @Override
    public String toString() {
        return "atol " + scientific(atol) + " rtol " + scientific(rtol) + " (" + source + ")";
    }

    /** {@code 2e-05}, {@code 2.5e-05}, {@code 0}: as many digits as the number has, no more. */
    private static String scientific(double value) {
        if (value == 0) {
            return "0";
        }
        int digits = new BigDecimal(Double.toString(value)).stripTrailingZeros().precision();
        return String.format(Locale.ROOT, "%." + (digits - 1) + "e", value);
    }
}
