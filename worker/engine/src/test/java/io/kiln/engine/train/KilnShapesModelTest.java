package io.kiln.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.engine.image.RgbImage;
import io.kiln.engine.model.ModelLoader;
import io.kiln.engine.model.ModelOptions;
import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.pipeline.GenerationJob;
import io.kiln.engine.pipeline.ImageSize;
import io.kiln.engine.pipeline.JobResult;
import io.kiln.engine.pipeline.ProgressListener;
import io.kiln.engine.pipeline.Prompt;
import io.kiln.engine.pipeline.Sampling;
import io.kiln.engine.pipeline.SeededNoise;
import io.kiln.engine.pipeline.StableDiffusionPipeline;
import io.kiln.engine.sampling.Sampler;
import io.kiln.engine.train.shapes.CaptionParser;
import io.kiln.engine.train.shapes.Expectation;
import io.kiln.engine.train.shapes.Judgement;
import io.kiln.engine.train.shapes.SceneAnalyzer;
import io.kiln.engine.train.shapes.ShapesWorld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The model the repository ships is a diffusers folder the engine serves at its native size, small enough to keep in
 * the repository, and it draws the colours it is asked for: a regression anywhere in the engine's text encoder, UNet,
 * sampler or decoder shows here as wrong colours. Its full accuracy is measured by {@code kiln eval-shapes} and
 * reported in docs/MODEL_CARD.md.
 */
class KilnShapesModelTest {
    private static final int STEPS = 20;

    /** Every colour once as the shape's and once as the background's. */
    private static final List<String> COLOUR_PROMPTS = List.of(
            "a red circle on a blue background",
            "a green square on a yellow background",
            "a blue triangle on a white background",
            "a yellow circle on a purple background",
            "a purple square on an orange background",
            "an orange triangle on a black background",
            "a white circle on a green background",
            "a black square on a red background");

    @Test
    void drawsShapesOnAPlainBackgroundAtItsNativeSize() throws IOException {
        try (StableDiffusionModel model = ModelLoader.load(model(), Optional.empty(), ModelOptions.cpu())) {
            int side = model.unet().config().sampleSize() * model.vae().spatialScaleFactor();
            List<JobResult> results = new StableDiffusionPipeline(model, new SeededNoise())
                    .generate(
                            List.of(GenerationJob.txt2img(
                                    "job",
                                    new Prompt("a large white square on a red background", "", 7.5),
                                    ImageSize.square(side),
                                    new Sampling(model.defaultSampler(), STEPS, 0),
                                    1,
                                    1)),
                            ProgressListener.NONE);
            RgbImage image = results.getFirst().images().getFirst().image();

            assertThat(side).isEqualTo(ShapesWorld.IMAGE_SIDE);
            assertThat(image.width()).isEqualTo(side);
            Judgement judged = SceneAnalyzer.judge(image);
            assertThat(judged.foundShape())
                    .as("one shape stands out of a plain background: %s", judged)
                    .isTrue();
        }
    }

    @Test
    void drawsTheColoursAPromptAsksFor() throws IOException {
        List<Expectation> asked =
                COLOUR_PROMPTS.stream().map(CaptionParser::parse).toList();
        List<GenerationJob> jobs = new ArrayList<>();
        for (int i = 0; i < COLOUR_PROMPTS.size(); i++) {
            jobs.add(GenerationJob.txt2img(
                    "colour-" + i,
                    new Prompt(COLOUR_PROMPTS.get(i), "", 7.5),
                    ImageSize.square(ShapesWorld.IMAGE_SIDE),
                    new Sampling(Sampler.PLMS, STEPS, 0),
                    i,
                    1));
        }
        try (StableDiffusionModel model = ModelLoader.load(model(), Optional.empty(), ModelOptions.cpu())) {
            List<JobResult> results =
                    new StableDiffusionPipeline(model, new SeededNoise()).generate(jobs, ProgressListener.NONE);

            List<String> wrongColour = new ArrayList<>();
            List<String> wrongBackground = new ArrayList<>();
            for (int i = 0; i < results.size(); i++) {
                Judgement judged =
                        SceneAnalyzer.judge(results.get(i).images().getFirst().image());
                String verdict = COLOUR_PROMPTS.get(i) + " → " + judged;
                if (judged.colour() != asked.get(i).colour()) {
                    wrongColour.add(verdict);
                }
                if (judged.background() != asked.get(i).background()) {
                    wrongBackground.add(verdict);
                }
            }
            assertThat(wrongColour).isEmpty();
            // At these 20 steps the shipped model gets 7 of the 8 backgrounds (the white circle's comes out orange);
            // at its default 50 steps, all 48 held-out prompts' (docs/MODEL_CARD.md).
            assertThat(wrongBackground).hasSizeLessThanOrEqualTo(1);
        }
    }

    @Test
    void staysWellUnderTwentyMegabytes() throws IOException {
        long bytes;
        try (Stream<Path> files = Files.walk(model())) {
            bytes = files.filter(Files::isRegularFile)
                    .mapToLong(KilnShapesModelTest::size)
                    .sum();
        }
        assertThat(bytes).isLessThan(15L << 20);
    }

    /** {@code models/kiln-shapes} of the repository this test runs in. */
    private static Path model() {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.exists(dir.resolve("mvnw"))) {
            dir = dir.getParent();
        }
        return dir.resolve(ShapesRecipe.REPOSITORY_MODEL);
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
