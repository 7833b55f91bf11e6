package io.kiln.engine.sampling;

import static io.kiln.engine.model.Tolerances.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.kiln.engine.check.Tolerance;
import io.kiln.engine.model.GoldenTensors;
import io.kiln.engine.model.Tolerances;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Each scheduler runs the fake model from the golden x_T through a whole run and must stay within the manifest
 * tolerance of diffusers' trace at every step: UNet inputs, model outputs, samples, x_0 predictions and σ tables. The
 * stochastic ones are fed the noise diffusers drew. Errors accumulate over the run: nothing is re-seeded from the
 * reference between steps.
 */
class SchedulerTraceParityTest {

    static Stream<Arguments> traces() {
        return Stream.of("ddim_eta0", "ddim_eta1", "pndm_plms", "ddpm", "euler", "euler_ancestral", "dpmpp_2m")
                .flatMap(trace -> Stream.of(1, 10, 20, 50).map(steps -> Arguments.of(trace, steps)));
    }

    @ParameterizedTest(name = "{0}, {1} steps")
    @MethodSource("traces")
    void reproducesTheDiffusersTrace(String trace, int steps) {
        String file = Traces.file(trace, steps);
        Tolerance tolerance = Tolerances.forFile(file);
        try (NDManager manager = NDManager.newBaseManager();
                Scheduler scheduler = Traces.scheduler(trace)) {
            Map<String, NDArray> golden = GoldenTensors.read(file, manager);
            float[] timesteps = scheduler.setTimesteps(steps);

            assertThat(timesteps)
                    .isEqualTo(golden.get("timesteps")
                            .toType(DataType.FLOAT32, false)
                            .toFloatArray());
            assertThat(scheduler.initNoiseSigma())
                    .isEqualTo(golden.get("init_noise_sigma").toDoubleArray()[0]);
            if (golden.containsKey("sigmas")) {
                assertClose(
                        trace + " sigmas",
                        manager.create(sigmas(scheduler, timesteps.length)),
                        golden.get("sigmas"),
                        tolerance);
            }

            NDArray x = golden.get("x_T").mul((float) scheduler.initNoiseSigma());
            assertClose(trace + " x_init", x, golden.get("x_init"), tolerance);
            for (int i = 0; i < timesteps.length; i++) {
                NDArray modelInput = scheduler.scaleModelInput(x, i);
                assertClose(
                        trace + " " + Traces.stepName("model_input", i),
                        modelInput,
                        golden.get(Traces.stepName("model_input", i)),
                        tolerance);
                NDArray eps = FakeModel.eps(modelInput, timesteps[i]);
                assertClose(
                        trace + " " + Traces.stepName("eps", i), eps, golden.get(Traces.stepName("eps", i)), tolerance);

                StepResult result = scheduler.step(eps, i, x, recorded(golden, i));

                assertClose(
                        trace + " " + Traces.stepName("x", i),
                        result.prevSample(),
                        golden.get(Traces.stepName("x", i)),
                        tolerance);
                NDArray expectedOriginal = golden.get(Traces.stepName("pred_x0", i));
                if (expectedOriginal != null) {
                    assertClose(
                            trace + " " + Traces.stepName("pred_x0", i),
                            result.predictedOriginal(),
                            expectedOriginal,
                            tolerance);
                }
                x = result.prevSample();
            }
            assertClose(trace + " x_final", x, golden.get("x_final"), tolerance);
        }
    }

    /** The noise diffusers drew at step i; a scheduler asking where none was drawn fails the test. */
    private static NoiseSource recorded(Map<String, NDArray> golden, int step) {
        return (shape, manager) -> {
            NDArray noise = golden.get(Traces.stepName("noise", step));
            assertThat(noise).as("noise drawn at step %d", step).isNotNull();
            assertThat(noise.getShape()).isEqualTo(shape);
            return noise;
        };
    }

    private static float[] sigmas(Scheduler scheduler, int steps) {
        float[] sigmas = new float[steps + 1];
        for (int i = 0; i <= steps; i++) {
            sigmas[i] = switch (scheduler) {
                case VarianceExplodingScheduler euler -> euler.sigma(i);
                case DpmSolverMultistepScheduler dpm -> dpm.sigma(i);
                default -> throw new IllegalArgumentException(scheduler + " has no σ table");
            };
        }
        return sigmas;
    }
}
