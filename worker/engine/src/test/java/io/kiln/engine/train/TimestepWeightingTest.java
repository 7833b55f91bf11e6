package io.kiln.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.kiln.engine.sampling.NoiseSchedule;
import io.kiln.engine.sampling.SchedulerConfig;
import java.io.IOException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The weights keep the loss's scale and, for SNR + 1, weigh the implied x₀ error as v-prediction's loss does. */
class TimestepWeightingTest {
    @TempDir
    Path dir;

    @Test
    void uniformWeighsEveryStepOne() throws IOException {
        assertThat(TimestepWeighting.UNIFORM.weights(schedule())).containsOnly(1f);
    }

    @Test
    void snrPlusOneIsVPredictionsLossOnTheEpsilonError() throws IOException {
        NoiseSchedule schedule = schedule();
        float[] weights = TimestepWeighting.SNR_PLUS_ONE.weights(schedule);

        double mean = 0;
        for (float weight : weights) {
            mean += weight / weights.length;
        }
        assertThat(mean).isCloseTo(1, within(1e-5));
        // v = √ᾱ·ε − √(1−ᾱ)·x₀ with x₀ implied by ε: v − v̂ = (ε − ε̂)/√ᾱ, so λ ∝ 1/ᾱ = 1 + 1/SNR.
        for (int t : new int[] {0, 250, 500, 999}) {
            double alphaCumprod = schedule.alphaCumprod(t);
            double ratio = weights[t] / weights[0];
            double expected = schedule.alphaCumprod(0) / alphaCumprod;
            assertThat(ratio).as("t = %d", t).isCloseTo(expected, within(expected * 1e-4));
        }
        assertThat(weights[999] / weights[0])
                .as("the noisiest step against the cleanest")
                .isGreaterThan(200);
    }

    private NoiseSchedule schedule() throws IOException {
        ShapesModelFolder folder = new ShapesModelFolder(dir);
        folder.prepareLdm();
        return NoiseSchedule.of(SchedulerConfig.read(folder.schedulerConfig()));
    }
}
