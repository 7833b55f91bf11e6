package io.kiln.engine.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.kiln.engine.image.RgbImage;
import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.sampling.Sampler;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The batch contract of the pipeline, on the tiny model with few steps. */
class StableDiffusionPipelineTest {
    private static StableDiffusionModel tiny;
    private static StableDiffusionPipeline pipeline;

    @BeforeAll
    static void load() throws IOException {
        tiny = StableDiffusionPipelineParityTest.load("tiny");
        pipeline = new StableDiffusionPipeline(tiny, new SeededNoise());
    }

    @AfterAll
    static void close() {
        if (tiny != null) { // null when the reference data is absent and the class skipped
            tiny.close();
        }
    }

    private static GenerationJob job(String id, Sampler sampler, double guidance, long seed, int images) {
        return GenerationJob.txt2img(
                id,
                new Prompt("a red fox", "blurry", guidance),
                ImageSize.square(64),
                new Sampling(sampler, 3, 0),
                seed,
                images);
    }

    @Test
    void imageKOfAJobUsesSeedPlusKAndEqualsThatSeedRunAlone() {
        JobResult four = pipeline.generate(List.of(job("four", Sampler.DDIM, 7.5, 100, 3)), ProgressListener.NONE)
                .getFirst();
        JobResult third = pipeline.generate(List.of(job("one", Sampler.DDIM, 7.5, 102, 1)), ProgressListener.NONE)
                .getFirst();

        assertThat(four.images()).extracting(GeneratedImage::seed).containsExactly(100L, 101L, 102L);
        assertThat(maxLevelDifference(
                        four.images().get(2).image(), third.images().getFirst().image()))
                .isLessThanOrEqualTo(1);
    }

    @Test
    void stochasticSamplerDrawsEachImagesStepNoiseFromItsOwnStream() {
        GenerationJob alone = job("alone", Sampler.EULER_ANCESTRAL, 5, 7, 1);
        GenerationJob other = job("other", Sampler.EULER_ANCESTRAL, 9, 8, 2);

        RgbImage single = pipeline.generate(List.of(alone), ProgressListener.NONE)
                .getFirst()
                .images()
                .getFirst()
                .image();
        List<JobResult> batch = pipeline.generate(List.of(other, alone), ProgressListener.NONE);

        assertThat(batch).extracting(JobResult::jobId).containsExactly("other", "alone");
        assertThat(maxLevelDifference(batch.get(1).images().getFirst().image(), single))
                .isLessThanOrEqualTo(1);
    }

    @Test
    void refusesJobsThatCannotShareARunNamingThem() {
        GenerationJob ddim = job("a", Sampler.DDIM, 7.5, 1, 1);
        GenerationJob plms = job("b", Sampler.PLMS, 7.5, 1, 1);

        assertThatIllegalArgumentException()
                .isThrownBy(() -> pipeline.generate(List.of(ddim, plms), ProgressListener.NONE))
                .withMessageContaining("jobs a and b cannot share a batch")
                .withMessageContaining("DDIM")
                .withMessageContaining("PLMS");
    }

    @Test
    void reportsEveryStepOfEveryJob() {
        List<String> steps = new ArrayList<>();

        pipeline.generate(
                List.of(job("a", Sampler.DDIM, 7.5, 1, 1), job("b", Sampler.DDIM, 3, 2, 1)),
                (jobId, step, total) -> steps.add(jobId + " " + step + "/" + total));

        assertThat(steps).containsExactly("a 1/3", "b 1/3", "a 2/3", "b 2/3", "a 3/3", "b 3/3");
    }

    @Test
    void stopsBetweenStepsWhenTheBoundarySaysSoBeforeReportingThatStep() {
        List<String> asked = new ArrayList<>();
        List<String> steps = new ArrayList<>();

        var stopped = pipeline.generateUnlessStopped(
                List.of(job("a", Sampler.DDIM, 7.5, 1, 1), job("b", Sampler.DDIM, 3, 2, 1)),
                (jobId, step, total) -> steps.add(jobId + " " + step + "/" + total),
                (done, total) -> {
                    asked.add(done + "/" + total);
                    return done < 2;
                });

        assertThat(stopped).isEmpty();
        assertThat(asked).containsExactly("1/3", "2/3");
        assertThat(steps).containsExactly("a 1/3", "b 1/3");
    }

    @Test
    void aBoundaryThatNeverStopsGivesTheImagesOfAPlainRun() {
        GenerationJob one = job("one", Sampler.DDIM, 7.5, 5, 1);
        RgbImage plain = pipeline.generate(List.of(one), ProgressListener.NONE)
                .getFirst()
                .images()
                .getFirst()
                .image();

        var bounded = pipeline.generateUnlessStopped(List.of(one), ProgressListener.NONE, StepBoundary.NEVER);

        assertThat(bounded).hasValueSatisfying(results -> assertThat(maxLevelDifference(
                        results.getFirst().images().getFirst().image(), plain))
                .isZero());
    }

    @Test
    void runsTheUNetOnTheConditionalRowsAloneWhenNoJobAsksForGuidance() {
        List<Long> rows = new ArrayList<>();
        PipelineTrace trace = new PipelineTrace() {
            @Override
            public void unetOutput(int call, NDArray noise) {
                rows.add(noise.getShape().get(0));
            }
        };

        pipeline.generate(List.of(job("a", Sampler.DDIM, 1, 1, 2)), ProgressListener.NONE, trace);
        pipeline.generate(
                List.of(job("b", Sampler.DDIM, 1, 1, 2), job("c", Sampler.DDIM, 7.5, 3, 1)),
                ProgressListener.NONE,
                trace);

        assertThat(rows).containsExactly(2L, 2L, 2L, 6L, 6L, 6L);
    }

    @Test
    void leavesNoArrayAliveAfterARun() {
        int before = liveArrays();

        pipeline.generate(List.of(job("a", Sampler.PLMS, 7.5, 1, 2)), ProgressListener.NONE);

        assertThat(liveArrays()).isEqualTo(before);
    }

    /** Every array in the process: the engine's root manager holds every other manager. */
    private static int liveArrays() {
        try (NDManager any = NDManager.newBaseManager()) {
            return any.getParentManager().getManagedArrays().size();
        }
    }

    private static int maxLevelDifference(RgbImage a, RgbImage b) {
        int max = 0;
        for (int i = 0; i < a.pixels().length; i++) {
            max = Math.max(max, Math.abs((a.pixels()[i] & 0xff) - (b.pixels()[i] & 0xff)));
        }
        return max;
    }
}
