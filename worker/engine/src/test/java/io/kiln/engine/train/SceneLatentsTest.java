package io.kiln.engine.train;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.vae.AutoencoderKL;
import io.kiln.engine.model.vae.Posterior;
import io.kiln.engine.train.shapes.Colour;
import io.kiln.engine.train.shapes.Placement;
import io.kiln.engine.train.shapes.Scene;
import io.kiln.engine.train.shapes.ShapeKind;
import io.kiln.engine.train.shapes.Size;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stored posteriors draw the latents that encoding every batch afresh would. */
class SceneLatentsTest {
    @TempDir
    Path dir;

    @Test
    void drawsWhatTheEncoderWouldFromTheStoredMoments() throws IOException {
        Scene red = new Scene(ShapeKind.CIRCLE, Colour.RED, Colour.BLUE, Placement.TOP_LEFT, Size.LARGE);
        Scene green = new Scene(ShapeKind.TRIANGLE, Colour.GREEN, Colour.BLACK, Placement.BOTTOM, Size.SMALL);
        List<Scene> scenes = List.of(red, green, red);
        try (NDManager manager = NDManager.newBaseManager()) {
            AutoencoderKL vae = new AutoencoderKL(new ShapesModelFolder(dir).prepareVae(), AttentionSlicing.AUTO);
            ParameterInit.initialise(vae, manager, 3);
            SceneLatents latents = new SceneLatents(vae);
            latents.sample(List.of(green), new SplittableRandom(1), manager);

            NDArray stored = latents.sample(scenes, new SplittableRandom(5), manager);

            Posterior q = vae.encode(
                    TrainingBatch.images(scenes.stream().map(Scene::render).toList(), manager));
            NDArray noise =
                    TrainingBatch.gaussian(new SplittableRandom(5), q.mean().getShape(), manager);
            NDArray afresh = q.sample(noise).mul((float) vae.scalingFactor());
            assertThat(stored.getShape()).isEqualTo(afresh.getShape());
            assertThat(stored.sub(afresh).abs().max().getFloat()).isLessThan(1e-5f);
        }
    }
}
