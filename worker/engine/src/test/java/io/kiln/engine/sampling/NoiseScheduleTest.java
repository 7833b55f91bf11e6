package io.kiln.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.kiln.engine.model.GoldenTensors;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NoiseScheduleTest {
    private final NoiseSchedule schedule = NoiseSchedule.of(SchedulerConfig.stableDiffusion());

    /** Bit for bit, not just within the manifest tolerance: every scheduler's coefficients start from these. */
    @Test
    void equalsDiffusersFloat32TablesExactly() {
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> golden = GoldenTensors.read("schedulers/constants.safetensors", manager);

            assertThat(schedule.betas()).isEqualTo(golden.get("betas").toFloatArray());
            assertThat(schedule.alphasCumprod())
                    .isEqualTo(golden.get("alphas_cumprod").toFloatArray());
            assertThat(schedule.alphaCumprod(0))
                    .isEqualTo(golden.get("final_alpha_cumprod").getFloat(0));
        }
    }

    @Test
    void matchesStableDiffusionsPublishedConstants() {
        float[] alphas = schedule.alphas();
        float[] betas = schedule.betas();
        for (int t = 0; t < betas.length; t++) {
            assertThat(alphas[t]).isEqualTo(1f - betas[t]);
        }
        assertThat(schedule.trainSteps()).isEqualTo(1000);
        assertThat(schedule.alphaCumprod(0)).isCloseTo(0.99915f, within(5e-6f));
        assertThat(schedule.alphaCumprod(999)).isCloseTo(0.0046601f, within(5e-8f));
        assertThat(schedule.sigma(999)).isCloseTo(14.6146f, within(5e-5f));
        assertThat(schedule.sigma(0)).isCloseTo(0.029168f, within(5e-7f));
        assertThat(schedule.sigmas()).isSortedAccordingTo(Float::compare);
    }

    @Test
    void interpolatesSigmaBetweenTrainingTimesteps() {
        float[] sigmas = schedule.sigmasAt(new float[] {999f, 500.5f, 0f, -3f});

        assertThat(sigmas[0]).isEqualTo(schedule.sigma(999));
        float midpoint = (float) ((schedule.sigma(500) + (double) schedule.sigma(501)) / 2);
        assertThat(sigmas[1]).isCloseTo(midpoint, within(Math.ulp(midpoint)));
        assertThat(sigmas[2]).isEqualTo(schedule.sigma(0));
        assertThat(sigmas[3]).isEqualTo(schedule.sigma(0));
    }

    @Test
    void linearScheduleSpansBetaStartToBetaEnd() {
        NoiseSchedule linear = NoiseSchedule.of(SchedulerConfig.fromJson("{}"));

        assertThat(linear.betas()[0]).isEqualTo(0.0001f);
        assertThat(linear.betas()[999]).isEqualTo(0.02f);
    }
}
