package io.kiln.engine.random;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.stream.IntStream;

/** Exact comparison of drawn values that names the differing indices instead of printing whole arrays. */
final class Bitwise {
    private Bitwise() {}

    static void assertSameBits(String what, float[] actual, float[] expected) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        List<Integer> differing = IntStream.range(0, expected.length)
                .filter(i -> Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i]))
                .boxed()
                .toList();
        assertThat(differing).as("%s: indices whose bits differ", what).isEmpty();
    }

    static void assertSameBits(String what, double[] actual, double[] expected) {
        assertThat(actual).as(what).hasSameSizeAs(expected);
        List<Integer> differing = IntStream.range(0, expected.length)
                .filter(i -> Double.doubleToRawLongBits(actual[i]) != Double.doubleToRawLongBits(expected[i]))
                .boxed()
                .toList();
        assertThat(differing).as("%s: indices whose bits differ", what).isEmpty();
    }
}
