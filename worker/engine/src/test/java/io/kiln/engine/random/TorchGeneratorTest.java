package io.kiln.engine.random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** The generator's contract without the reference data; {@link TorchGeneratorGoldenTest} checks torch's bits. */
class TorchGeneratorTest {
    private static final long[] LATENTS_512PX = {1, 4, 64, 64};

    @Test
    void drawsTorchsWellKnownFirstNormalsForSeedZero() {
        // torch.manual_seed(0); torch.randn(5)
        assertThat(new TorchGenerator(0).randn(5))
                .containsExactly(new float[] {1.5410f, -0.2934f, -2.1788f, 0.5684f, -1.0845f}, within(1e-4f));
    }

    @Test
    void continuesTheStreamAcrossDraws() {
        TorchGenerator generator = new TorchGenerator(7);
        float[] first = generator.randn(1, 4, 8, 8);
        float[] second = generator.randn(1, 4, 8, 8);

        assertThat(second).isNotEqualTo(first);
        assertThat(new TorchGenerator(7).randn(1, 4, 8, 8)).isEqualTo(first);
    }

    @Test
    void scalarDrawsHandTheCachedSineHalfToTheNextScalarDraw() {
        // one Box-Muller pair gives two normals, whether drawn together or in two calls
        float[] together = new TorchGenerator(3).randn(2);
        TorchGenerator split = new TorchGenerator(3);

        assertThat(new float[] {split.randn(1)[0], split.randn(1)[0]}).isEqualTo(together);
    }

    @Test
    void seedsWithTheLow32BitsLikeTorch() {
        assertThat(new TorchGenerator(42 + (1L << 32)).randn(LATENTS_512PX))
                .isEqualTo(new TorchGenerator(42).randn(LATENTS_512PX));
    }

    @Test
    void drawsNothingForAnEmptyShapeAndOneValueForAScalar() {
        TorchGenerator generator = new TorchGenerator(5);

        assertThat(generator.randn(0, 4)).isEmpty();
        assertThat(generator.randn()).hasSize(1).isEqualTo(new TorchGenerator(5).randn(1));
    }

    @Test
    void drawsUniformsInTheHalfOpenUnitInterval() {
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        for (float u : new TorchGenerator(11).rand(LATENTS_512PX)) {
            min = Math.min(min, u);
            max = Math.max(max, u);
        }

        assertThat(min).isGreaterThanOrEqualTo(0.0f);
        assertThat(max).isLessThan(1.0f);
    }

    @Test
    void createsAFloat32ArrayOfTheRequestedShape() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray noise = new TorchGenerator(1).randn(manager, new Shape(LATENTS_512PX));

            assertThat(noise.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(noise.getShape()).isEqualTo(new Shape(LATENTS_512PX));
            assertThat(noise.toFloatArray()).isEqualTo(new TorchGenerator(1).randn(LATENTS_512PX));
        }
    }

    @Test
    void rejectsNegativeAndOversizedShapes() {
        TorchGenerator generator = new TorchGenerator(0);

        assertThatThrownBy(() -> generator.randn(1, -4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> generator.rand(1 << 16, 1 << 16)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void generatorsOnEightThreadsDrawExactlyWhatTheyDrawAlone() throws Exception {
        int threads = 8;
        int draws = 50;
        List<List<float[]>> alone = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            alone.add(drawLatents(new TorchGenerator(t), draws));
        }

        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<List<float[]>>> concurrent = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                long seed = t;
                concurrent.add(pool.submit(() -> {
                    start.await();
                    return drawLatents(new TorchGenerator(seed), draws);
                }));
            }
            for (int t = 0; t < threads; t++) {
                List<float[]> drawn = concurrent.get(t).get();
                for (int d = 0; d < draws; d++) {
                    assertThat(drawn.get(d))
                            .as("thread %d, draw %d", t, d)
                            .isEqualTo(alone.get(t).get(d));
                }
            }
        }
    }

    private static List<float[]> drawLatents(TorchGenerator generator, int draws) {
        List<float[]> drawn = new ArrayList<>();
        for (int d = 0; d < draws; d++) {
            drawn.add(generator.randn(LATENTS_512PX));
        }
        return drawn;
    }
}
