package io.kiln.engine.sampling;

import static io.kiln.engine.model.Tolerances.assertClose;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.check.Tolerance;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What the pipeline relies on beyond the reference numbers: names, batches, memory, misuse. */
class SchedulerContractTest {
    private static final Shape LATENTS = new Shape(1, 4, 8, 8);
    private static final Tolerance FLOAT_ROUNDING = new Tolerance(1e-6, 1e-6, "float32 rounding");

    @Test
    void buildsEachSamplersScheduler() {
        SchedulerConfig config = SchedulerConfig.stableDiffusion();
        assertThat(Sampler.DDIM.create(config)).isInstanceOf(DdimScheduler.class);
        assertThat(Sampler.PLMS.create(config)).isInstanceOf(PndmScheduler.class);
        assertThat(Sampler.DDPM.create(config)).isInstanceOf(DdpmScheduler.class);
        assertThat(Sampler.EULER.create(config)).isInstanceOf(EulerDiscreteScheduler.class);
        assertThat(Sampler.EULER_ANCESTRAL.create(config)).isInstanceOf(EulerAncestralScheduler.class);
        assertThat(Sampler.DPMPP_2M.create(config)).isInstanceOf(DpmSolverMultistepScheduler.class);
    }

    @Test
    void givesEtaToDdimAndRefusesItElsewhere() {
        SchedulerConfig config = SchedulerConfig.stableDiffusion();
        assertThat(Sampler.DDIM.create(config, 1)).isInstanceOf(DdimScheduler.class);
        assertThatIllegalArgumentException()
                .isThrownBy(() -> Sampler.PLMS.create(config, 0.5))
                .withMessageContaining("eta applies to ddim only");
    }

    /** Rows of a batch share the timestep but not their data: each row must come out as if it had run alone. */
    @ParameterizedTest
    @EnumSource(Sampler.class)
    void stepsEachRowOfABatchAsIfItRanAlone(Sampler sampler) {
        try (NDManager manager = NDManager.newBaseManager()) {
            manager.getEngine().setRandomSeed(7);
            List<NDArray> starts = List.of(manager.randomNormal(LATENTS), manager.randomNormal(LATENTS));
            List<NDArray> noises = List.of(manager.randomNormal(LATENTS), manager.randomNormal(LATENTS));

            NDArray batchNoise = NDArrays.concat(new NDList(noises)); // (2, 4, 8, 8)
            NDArray batch = run(sampler, NDArrays.concat(new NDList(starts)), (shape, m) -> batchNoise);
            for (int row = 0; row < 2; row++) {
                NDArray noise = noises.get(row);
                NDArray alone = run(sampler, starts.get(row), (shape, m) -> noise);
                assertClose(
                        sampler + " row " + row, batch.get(new NDIndex("{}:{}", row, row + 1)), alone, FLOAT_ROUNDING);
            }
        }
    }

    @Test
    void stepFreesItsTemporariesAndCloseFreesTheHistory() {
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray x = manager.ones(LATENTS);
            try (Scheduler dpm = Sampler.DPMPP_2M.create(SchedulerConfig.stableDiffusion())) {
                dpm.setTimesteps(10);
                for (int i = 0; i < 3; i++) {
                    int before = manager.getManagedArrays().size();
                    NDArray eps = x.mul(0.1f);
                    StepResult result = dpm.step(eps, i, x, NoiseSource.none());
                    // the caller's manager gains ε and the two results, nothing else
                    assertThat(manager.getManagedArrays()).hasSize(before + 3);
                    x = result.prevSample();
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(
            value = Sampler.class,
            names = {"PLMS", "DPMPP_2M"})
    void multistepSchedulersRefuseStepsOutOfOrder(Sampler sampler) {
        try (NDManager manager = NDManager.newBaseManager();
                Scheduler scheduler = sampler.create(SchedulerConfig.stableDiffusion())) {
            NDArray x = manager.ones(LATENTS);
            scheduler.setTimesteps(10);
            scheduler.step(x, 0, x, NoiseSource.none());

            assertThatIllegalStateException()
                    .isThrownBy(() -> scheduler.step(x, 2, x, NoiseSource.none()))
                    .withMessageContaining("expected step 1");
            scheduler.setTimesteps(10);
            scheduler.step(x, 0, x, NoiseSource.none());
        }
    }

    @Test
    void refusesToStepBeforeSetTimesteps() {
        try (NDManager manager = NDManager.newBaseManager();
                Scheduler ddim = Sampler.DDIM.create(SchedulerConfig.stableDiffusion())) {
            NDArray x = manager.ones(LATENTS);
            assertThatIllegalStateException()
                    .isThrownBy(() -> ddim.step(x, 0, x, NoiseSource.none()))
                    .withMessageContaining("setTimesteps");
        }
    }

    @Test
    void stochasticSamplerWithoutNoiseSourceSaysSo() {
        try (NDManager manager = NDManager.newBaseManager();
                Scheduler ancestral = Sampler.EULER_ANCESTRAL.create(SchedulerConfig.stableDiffusion())) {
            NDArray x = manager.ones(LATENTS);
            ancestral.setTimesteps(10);
            assertThatIllegalStateException()
                    .isThrownBy(() -> ancestral.step(x, 0, x, NoiseSource.none()))
                    .withMessageContaining("NoiseSource");
        }
    }

    @Test
    void strengthMustRunAtLeastOneStep() {
        try (Scheduler ddim = Sampler.DDIM.create(SchedulerConfig.stableDiffusion())) {
            ddim.setTimesteps(20);
            assertThat(ddim.startIndexForStrength(1.0)).isZero();
            assertThat(ddim.startIndexForStrength(0.05)).isEqualTo(19);
            assertThatIllegalArgumentException().isThrownBy(() -> ddim.startIndexForStrength(0.04));
            assertThatIllegalArgumentException().isThrownBy(() -> ddim.startIndexForStrength(0));
            assertThatIllegalArgumentException().isThrownBy(() -> ddim.startIndexForStrength(1.5));
        }
    }

    @Test
    void rejectsStepCountsOutsideTheTrainingSchedule() {
        try (Scheduler euler = Sampler.EULER.create(SchedulerConfig.stableDiffusion())) {
            assertThatIllegalArgumentException().isThrownBy(() -> euler.setTimesteps(0));
            assertThatIllegalArgumentException().isThrownBy(() -> euler.setTimesteps(1001));
        }
    }

    /** Ten steps of the fake model, the same noise at every step. */
    private static NDArray run(Sampler sampler, NDArray start, NoiseSource noise) {
        try (Scheduler scheduler = sampler.create(SchedulerConfig.stableDiffusion())) {
            float[] timesteps = scheduler.setTimesteps(10);
            NDArray x = start.mul((float) scheduler.initNoiseSigma());
            for (int i = 0; i < timesteps.length; i++) {
                NDArray eps = FakeModel.eps(scheduler.scaleModelInput(x, i), timesteps[i]);
                x = scheduler.step(eps, i, x, noise).prevSample();
            }
            return x;
        }
    }
}
