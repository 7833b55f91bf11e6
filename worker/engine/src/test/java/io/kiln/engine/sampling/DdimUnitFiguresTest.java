package io.kiln.engine.sampling;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * diffusers' own DDIM unit test ({@code tests/schedulers/test_scheduler_ddim.py}, {@code test_full_loop_no_noise}):
 * the dummy model {@code sample·t/(t + 1)} on the deterministic arange sample, η = 0, with the test's config (linear β
 * 0.0001–0.02, clip_sample, class defaults otherwise) and with SD 1.5's. Sum and mean of |x| must match to the
 * precision the figures are printed with (half a unit of their last digit).
 */
class DdimUnitFiguresTest {
    private static final String UNIT_TEST_CONFIG = """
            {"num_train_timesteps": 1000, "beta_start": 0.0001, "beta_end": 0.02, "beta_schedule": "linear",
             "clip_sample": true}
            """;

    private static final String STABLE_DIFFUSION_CONFIG = """
            {"_class_name": "PNDMScheduler", "beta_start": 0.00085, "beta_end": 0.012, "beta_schedule": "scaled_linear",
             "clip_sample": false, "num_train_timesteps": 1000, "set_alpha_to_one": false, "skip_prk_steps": true,
             "steps_offset": 1, "trained_betas": null}
            """;

    @ParameterizedTest(name = "{0}, {1} steps")
    @CsvSource({
        "diffusers unit test, 10, 172.0067, 0.00005, 0.223967, 0.0000005",
        "Stable Diffusion 1.5, 10, 183.2582, 0.00005, 0.238617, 0.0000005",
        "Stable Diffusion 1.5, 50, 197.9790, 0.00005, 0.257785, 0.0000005"
    })
    void fullLoopWithoutNoiseGivesThePublishedFigures(
            String config, int steps, double sum, double sumPrecision, double mean, double meanPrecision) {
        SchedulerConfig schedulerConfig =
                SchedulerConfig.fromJson(config.startsWith("diffusers") ? UNIT_TEST_CONFIG : STABLE_DIFFUSION_CONFIG);
        try (NDManager manager = NDManager.newBaseManager();
                Scheduler ddim = new DdimScheduler(schedulerConfig, 0)) {
            // dummy_sample_deter: arange(4·3·8·8).reshape(3, 8, 8, 4) / 768, permuted to (4, 3, 8, 8)
            NDArray x = manager.arange(768f)
                    .reshape(new Shape(3, 8, 8, 4))
                    .div(768f)
                    .transpose(3, 0, 1, 2);
            float[] timesteps = ddim.setTimesteps(steps);
            for (int i = 0; i < timesteps.length; i++) {
                NDArray residual = x.mul(timesteps[i]).div(timesteps[i] + 1); // dummy_model: sample·t/(t + 1)
                x = ddim.step(residual, i, x, NoiseSource.none()).prevSample();
            }

            double absSum = 0;
            for (float value : x.toFloatArray()) {
                absSum += Math.abs(value);
            }
            assertThat(absSum).isCloseTo(sum, within(sumPrecision));
            assertThat(absSum / x.size()).isCloseTo(mean, within(meanPrecision));
        }
    }
}
