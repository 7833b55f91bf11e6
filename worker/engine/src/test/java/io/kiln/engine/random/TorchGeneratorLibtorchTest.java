package io.kiln.engine.random;

import static io.kiln.engine.random.Bitwise.assertSameBits;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Beyond the reference's few seeds and sizes: the libtorch 2.7 that DJL ships, seeded through its process-wide
 * generator, against the Java generator over long mixed streams. The draws here are serial, so nothing touches that
 * global generator between the seed and the draws.
 */
class TorchGeneratorLibtorchTest {

    @ParameterizedTest(name = "seed {0}")
    @ValueSource(ints = {0, 3, 42, 1234, 65_537, Integer.MAX_VALUE, -1, -987_654_321})
    void drawsWhatLibtorchDrawsForFloatNormalsAndUniforms(int seed) {
        try (NDManager manager = NDManager.newBaseManager()) {
            Engine.getInstance().setRandomSeed(seed);
            TorchGenerator generator = new TorchGenerator(seed);

            for (long[] shape : mixedStream()) {
                float[] expected = manager.randomNormal(new Shape(shape)).toFloatArray();
                assertSameBits("randn " + new Shape(shape), generator.randn(shape), expected);
            }
            float[] uniforms =
                    manager.randomUniform(0, 1, new Shape(1, 4, 64, 64)).toFloatArray();
            assertSameBits("rand (1, 4, 64, 64)", generator.rand(1, 4, 64, 64), uniforms);
        }
    }

    /**
     * Float64 normals go through the C library's double {@code log}, {@code sin} and {@code cos}, which round the
     * other way from the correctly rounded values about once in 1000 calls. Measured here: 203 of 131,248 values
     * differ, by at most 2 ulp (an ulp in the radius times an ulp in the cosine).
     */
    @Test
    void drawsWhatLibtorchDrawsForDoubleNormalsUpToRareLastBitDifferences() {
        int values = 0;
        int differing = 0;
        double worstUlps = 0;
        try (NDManager manager = NDManager.newBaseManager()) {
            for (int seed = 0; seed < 8; seed++) {
                Engine.getInstance().setRandomSeed(seed);
                TorchGenerator generator = new TorchGenerator(seed);
                for (long[] shape : new long[][] {{7}, {1, 4, 64, 64}, {15}}) {
                    double[] expected = manager.randomNormal(0, 1, new Shape(shape), DataType.FLOAT64)
                            .toDoubleArray();
                    double[] actual = generator.randnDouble(shape);
                    for (int i = 0; i < expected.length; i++) {
                        worstUlps = Math.max(worstUlps, Math.abs(actual[i] - expected[i]) / Math.ulp(expected[i]));
                        differing += actual[i] == expected[i] ? 0 : 1;
                    }
                    values += expected.length;
                }
            }
        }

        assertThat(worstUlps).isLessThanOrEqualTo(2.0);
        assertThat((double) differing / values).isLessThan(0.005);
    }

    /**
     * One stream of draws: sizes 1 to 40 (the scalar path with its cached second sample, exactly 16, recomputed
     * tails), 512px latents, then scalar draws again, which must not see anything left by the vectorised ones.
     */
    private static List<long[]> mixedStream() {
        List<long[]> shapes = new ArrayList<>();
        for (long size = 1; size <= 40; size++) {
            shapes.add(new long[] {size});
        }
        shapes.add(new long[] {1, 4, 64, 64});
        shapes.add(new long[] {3});
        shapes.add(new long[] {3, 17});
        shapes.add(new long[] {1});
        return shapes;
    }
}
