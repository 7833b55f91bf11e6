package io.kiln.engine.sampling;

import static io.kiln.engine.model.Tolerances.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.kiln.engine.check.Tolerance;
import io.kiln.engine.model.GoldenTensors;
import io.kiln.engine.model.Tolerances;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The diffusers-style schedulers against the original CompVis samplers on the same fake model and x_T. CompVis derives
 * ᾱ in float64 (≤ 4.8e-7 from diffusers' float32 ᾱ), which the manifest tolerance absorbs.
 */
class CompVisParityTest {

    @ParameterizedTest(name = "{0} steps")
    @ValueSource(ints = {1, 10, 20, 50})
    void ddimFollowsCompVisDdimSampler(int steps) {
        String file = "schedulers/compvis_ddim_n" + steps + ".safetensors";
        Tolerance tolerance = Tolerances.forFile(file);
        try (NDManager manager = NDManager.newBaseManager();
                Scheduler ddim = Sampler.DDIM.create(Traces.stableDiffusionConfig())) {
            Map<String, NDArray> golden = GoldenTensors.read(file, manager);
            assertThat(ddim.setTimesteps(steps)).isEqualTo(timesteps(golden));

            NDArray x = golden.get("x_T");
            for (int i = 0; i < steps; i++) {
                StepResult result = ddim.step(FakeModel.eps(x, ddim.timestep(i)), i, x, NoiseSource.none());
                assertClose("x_" + i, result.prevSample(), golden.get(Traces.stepName("x", i)), tolerance);
                assertClose(
                        "pred_x0_" + i,
                        result.predictedOriginal(),
                        golden.get(Traces.stepName("pred_x0", i)),
                        tolerance);
                x = result.prevSample();
            }
            assertClose("x_final", x, golden.get("x_final"), tolerance);
        }
    }

    /**
     * CompVis' PLMS makes its provisional Euler step and the correction within its first step; diffusers' PNDM returns
     * the provisional sample as an extra output, so CompVis step i is PNDM output i + 1 (for one step, both make the
     * single step). CompVis' x̂_0 is not compared: PNDM never forms it.
     */
    @ParameterizedTest(name = "{0} steps")
    @ValueSource(ints = {1, 10, 20, 50})
    void plmsFollowsCompVisPlmsSampler(int steps) {
        String file = "schedulers/compvis_plms_n" + steps + ".safetensors";
        Tolerance tolerance = Tolerances.forFile(file);
        try (NDManager manager = NDManager.newBaseManager();
                Scheduler plms = Sampler.PLMS.create(Traces.stableDiffusionConfig())) {
            Map<String, NDArray> golden = GoldenTensors.read(file, manager);
            float[] timesteps = plms.setTimesteps(steps);
            int provisional = steps > 1 ? 1 : 0;
            // PNDM's list repeats t_1 for the correction; without the repeat it is CompVis' list
            float[] withoutRepeat = new float[timesteps.length - provisional];
            withoutRepeat[0] = timesteps[0];
            System.arraycopy(timesteps, 1 + provisional, withoutRepeat, 1, withoutRepeat.length - 1);
            assertThat(withoutRepeat).isEqualTo(timesteps(golden));

            NDArray x = golden.get("x_T");
            for (int i = 0; i < timesteps.length; i++) {
                x = plms.step(FakeModel.eps(x, timesteps[i]), i, x, NoiseSource.none())
                        .prevSample();
                if (i >= provisional) {
                    String name = Traces.stepName("x", i - provisional);
                    assertClose(name, x, golden.get(name), tolerance);
                }
            }
            assertClose("x_final", x, golden.get("x_final"), tolerance);
        }
    }

    private static float[] timesteps(Map<String, NDArray> golden) {
        long[] values = golden.get("timesteps").toLongArray();
        float[] timesteps = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            timesteps[i] = values[i];
        }
        return timesteps;
    }
}
