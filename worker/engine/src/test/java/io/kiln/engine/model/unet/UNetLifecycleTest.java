package io.kiln.engine.model.unet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.Parameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The UNet owns nothing after a forward pass but its output, and it can be trained. */
class UNetLifecycleTest {
    private static final int FORWARDS = 200;
    private static final int WARM_UP = 20;

    @Test
    void twoHundredForwardsLeaveLiveArraysAndNativeMemoryFlat() throws IOException {
        try (NDManager model = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = UNet2DConditionModelParityTest.load("tiny", model, AttentionSlicing.AUTO);
            int parameters = model.getManagedArrays().size();
            long rssAfterWarmUp = 0;
            for (int i = 0; i < FORWARDS; i++) {
                try (NDManager step = model.newSubManager()) {
                    NDArray sample = step.randomNormal(new Shape(2, 4, 16, 16));
                    NDArray timesteps = step.create(new long[] {999 - i, i});
                    NDArray context = step.randomNormal(new Shape(2, 77, 32));
                    NDArray noise = unet.forward(sample, timesteps, context);
                    assertThat(noise.getShape()).isEqualTo(sample.getShape());
                }
                if (i == WARM_UP) {
                    rssAfterWarmUp = residentBytes();
                }
            }
            long growth = residentBytes() - rssAfterWarmUp;

            assertThat(model.getManagedArrays())
                    .as("arrays alive after %d forwards", FORWARDS)
                    .hasSize(parameters);
            // The heap is pre-touched (see the pom), so resident growth is native memory. Allocator caches settle in
            // the warm-up; leaking even one (2, 32, 16, 16) activation per pass would add 11 MiB over 180 passes.
            assertThat(growth).as("resident memory growth after warm-up, bytes").isLessThan(8L << 20);
        }
    }

    @Test
    void backpropagatesToEveryParameterUnderAGradientCollector() throws IOException {
        try (NDManager model = NDManager.newBaseManager()) {
            UNet2DConditionModel unet = UNet2DConditionModelParityTest.load("tiny", model, AttentionSlicing.AUTO);
            unet.requireGradients(true);
            try (NDManager step = model.newSubManager();
                    GradientCollector collector = Engine.getInstance().newGradientCollector()) {
                NDArray noise = unet.forward(
                        step.randomNormal(new Shape(1, 4, 8, 8)),
                        step.create(new long[] {500}),
                        step.randomNormal(new Shape(1, 77, 32)));
                collector.backward(noise.square().mean());
            }
            for (var entry : unet.namedParameters().entrySet()) {
                Parameter parameter = entry.getValue();
                NDArray gradient = parameter.array().getGradient();
                assertThat(gradient.isInfinite().any().getBoolean()
                                || gradient.isNaN().any().getBoolean())
                        .as("non-finite gradient of %s", entry.getKey())
                        .isFalse();
                assertThat(gradient.abs().sum().getFloat())
                        .as("gradient of %s", entry.getKey())
                        .isGreaterThan(0f);
            }
            unet.requireGradients(false);
        }
    }

    /** The process's resident set, from /proc: libtorch's allocations included, unlike the Java heap figures. */
    private static long residentBytes() throws IOException {
        String statm = Files.readString(Path.of("/proc/self/statm")).trim();
        return Long.parseLong(statm.split(" ")[1]) * 4096;
    }
}
