package io.kiln.engine.check;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import java.util.Locale;

/** How one output tensor of a vector file compares with the reference. */
public sealed interface CheckResult {

    /** The output, as {@code <file stem>/<tensor>}: {@code unet/out_b}. */
    String name();

    Tolerance tolerance();

    boolean passed();

    /** One line for a report: name, max abs error, tolerance, PASS or FAIL, and why a failure failed. */
    String line();

    /**
     * Compares {@code actual} with {@code reference} element by element.
     *
     * @return {@link Compared}, or {@link NotCompared} when the shapes differ
     */
    static CheckResult compare(String name, NDArray actual, NDArray reference, Tolerance tolerance) {
        if (!actual.getShape().equals(reference.getShape())) {
            return new NotCompared(
                    name, tolerance, "shape " + actual.getShape() + ", reference " + reference.getShape());
        }
        double[] a = doubles(actual);
        double[] r = doubles(reference);
        double maxAbsError = 0;
        long outside = 0;
        for (int i = 0; i < a.length; i++) {
            maxAbsError = Math.max(maxAbsError, Math.abs(a[i] - r[i])); // NaN, once met, stays: Math.max keeps it
            if (!tolerance.allows(a[i], r[i])) {
                outside++;
            }
        }
        return new Compared(name, tolerance, maxAbsError, outside, a.length);
    }

    /**
     * An output that could be compared.
     *
     * @param outside how many elements lie outside the tolerance
     */
    record Compared(String name, Tolerance tolerance, double maxAbsError, long outside, long elements)
            implements CheckResult {
        @Override
        public boolean passed() {
            return outside == 0;
        }

        @Override
        public String line() {
            String error = String.format(Locale.ROOT, "%.2e", maxAbsError);
            return passed()
                    ? format(name, error, tolerance, "PASS")
                    : format(name, error, tolerance, "FAIL (" + outside + " of " + elements + " elements outside)");
        }
    }

    /**
     * An output that could not be compared: the model failed to compute it, or computed it in another shape. Always
     * a failure.
     */
    record NotCompared(String name, Tolerance tolerance, String reason) implements CheckResult {
        @Override
        public boolean passed() {
            return false;
        }

        @Override
        public String line() {
            return format(name, "-", tolerance, "FAIL (" + reason + ")");
        }
    }

    private static String format(String name, String maxAbsError, Tolerance tolerance, String verdict) {
        return String.format(
                Locale.ROOT, "%-30s max_abs_error %-9s tolerance %s  %s", name, maxAbsError, tolerance, verdict);
    }

    private static double[] doubles(NDArray array) {
        if (array.getDataType() == DataType.FLOAT64) {
            return array.toDoubleArray();
        }
        float[] floats = array.toType(DataType.FLOAT32, false).toFloatArray();
        double[] doubles = new double[floats.length];
        for (int i = 0; i < floats.length; i++) {
            doubles[i] = floats[i];
        }
        return doubles;
    }
}
