package io.kiln.engine.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.check.Tolerance;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parity tolerances recorded in the golden {@code manifest.json}, and the elementwise comparison they define:
 * {@code |actual − expected| ≤ atol + rtol·|expected|}. Each module-vector entry carries its own {@code tolerance}
 * (derived from a float64 rerun of the reference); pipeline entries add {@code tolerance_image} and
 * {@code tolerance_latents}, with one bound per step ({@link #perStep}). Tests take them as recorded, never wider.
 */
public final class Tolerances {
    private static final String MANIFEST = "manifest.json";
    private static final Map<Path, JsonNode> MANIFESTS = new ConcurrentHashMap<>();

    private Tolerances() {}

    /** The {@code tolerance} of a manifest entry, by the file's path relative to the golden folder. */
    public static Tolerance forFile(String relativePath) {
        return forFile(relativePath, "tolerance");
    }

    /**
     * Another tolerance field of a manifest entry, such as {@code tolerance_image} or {@code tolerance_latents} of a
     * pipeline file.
     */
    public static Tolerance forFile(String relativePath, String field) {
        JsonNode entry = manifest().path("files").path(relativePath);
        if (entry.isMissingNode()) {
            throw new IllegalArgumentException(MANIFEST + " has no entry for " + relativePath);
        }
        JsonNode tolerance = entry.path(field);
        String source = MANIFEST + " " + relativePath + " " + field;
        if (tolerance.isString() && tolerance.stringValue().equals("exact")) {
            return new Tolerance(0, 0, source);
        }
        if (!tolerance.has("atol") || !tolerance.has("rtol")) {
            // Some entries hold a note instead of numbers (batch-vs-single runs, the RNG file): the test must follow
            // it.
            throw new IllegalArgumentException(
                    relativePath + " has no numeric " + field + " in " + MANIFEST + ": " + tolerance);
        }
        return new Tolerance(
                tolerance.get("atol").doubleValue(), tolerance.get("rtol").doubleValue(), source);
    }

    /**
     * The per-step bounds of a pipeline run's {@code tolerance_latents}: for {@code tensor} {@code latents} or
     * {@code unet_out}, bound i has atol {@code <tensor>_atol[i]} and the entry's scalar {@code rtol}, for the run's
     * {@code <tensor>_i}.
     *
     * @param steps how many steps the run has; fails when the manifest holds fewer bounds than that
     */
    public static List<Tolerance> perStep(String relativePath, String tensor, int steps) {
        String field = "tolerance_latents";
        String array = tensor + "_atol";
        JsonNode tolerance = manifest().path("files").path(relativePath).path(field);
        JsonNode bounds = tolerance.path(array);
        String source = MANIFEST + " " + relativePath + " " + field + "." + array;
        if (!bounds.isArray() || !tolerance.path("rtol").isNumber()) {
            throw new IllegalArgumentException(source + " is missing: per-step bounds need an array " + array
                    + " and a scalar rtol, got " + tolerance);
        }
        if (bounds.size() < steps) {
            throw new IllegalArgumentException(
                    source + " has " + bounds.size() + " bounds, but the run has " + steps + " steps");
        }
        double rtol = tolerance.get("rtol").doubleValue();
        List<Tolerance> perStep = new ArrayList<>(steps);
        for (int i = 0; i < steps; i++) {
            if (!bounds.get(i).isNumber()) {
                throw new IllegalArgumentException(source + "[" + i + "] is not a number: " + bounds.get(i));
            }
            perStep.add(new Tolerance(bounds.get(i).doubleValue(), rtol, source + "[" + i + "]"));
        }
        return perStep;
    }

    /**
     * Asserts that {@code actual} has the shape of {@code expected} and lies within {@code tolerance} of it at every
     * element. A failure names the tensor, the largest absolute error, where it occurs, and how many elements are out.
     */
    public static void assertClose(String name, NDArray actual, NDArray expected, Tolerance tolerance) {
        assertThat(actual.getShape()).as("%s shape", name).isEqualTo(expected.getShape());
        double[] a = toDoubles(actual);
        double[] e = toDoubles(expected);
        int worst = 0;
        double maxError = -1;
        int outside = 0;
        for (int i = 0; i < a.length; i++) {
            if (!tolerance.allows(a[i], e[i])) {
                outside++;
            }
            double error = Math.abs(a[i] - e[i]);
            if (Double.isNaN(error)) {
                error = Double.POSITIVE_INFINITY; // so a NaN is the element reported
            }
            if (error > maxError) {
                maxError = error;
                worst = i;
            }
        }
        if (outside > 0) {
            fail(String.format(
                    Locale.ROOT,
                    "%s: %d of %d elements outside %s; max |actual − expected| = %.3g at %s"
                            + " (actual %.8g, expected %.8g)",
                    name,
                    outside,
                    a.length,
                    tolerance,
                    Math.abs(a[worst] - e[worst]),
                    Arrays.toString(unravel(worst, expected.getShape())),
                    a[worst],
                    e[worst]));
        }
    }

    private static double[] toDoubles(NDArray array) {
        return switch (array.getDataType()) {
            case FLOAT64 -> array.toDoubleArray();
            case FLOAT32 -> widen(array.toFloatArray());
            case INT64 -> Arrays.stream(array.toLongArray()).asDoubleStream().toArray();
            case INT32 -> Arrays.stream(array.toIntArray()).asDoubleStream().toArray();
            default ->
                Arrays.stream(array.toArray()).mapToDouble(Number::doubleValue).toArray();
        };
    }

    private static double[] widen(float[] values) {
        double[] wide = new double[values.length];
        for (int i = 0; i < values.length; i++) {
            wide[i] = values[i];
        }
        return wide;
    }

    private static long[] unravel(long flat, Shape shape) {
        long[] index = new long[shape.dimension()];
        for (int axis = index.length - 1; axis >= 0; axis--) {
            index[axis] = flat % shape.get(axis);
            flat /= shape.get(axis);
        }
        return index;
    }

    private static JsonNode manifest() {
        Path file = Golden.file(MANIFEST);
        return MANIFESTS.computeIfAbsent(file, JsonMapper.shared()::readTree);
    }
}
