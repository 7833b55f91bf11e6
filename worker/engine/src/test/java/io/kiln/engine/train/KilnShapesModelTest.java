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
import io.kiln.engine.train.shapes.Judgement;
import io.kiln.engine.train.shapes.SceneAnalyzer;
import io.kiln.engine.train.shapes.ShapesWorld;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The model the repository ships is a diffusers folder the engine serves at its native size, small enough to keep in
 * the repository. Its accuracy is measured by {@code kiln eval-shapes} and reported in docs/MODEL_CARD.md; it does
 * not yet draw the requested colours reliably enough to assert them here (issue 18 stays open for that).
 */
class KilnShapesModelTest {
    private static final int STEPS = 20;

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
