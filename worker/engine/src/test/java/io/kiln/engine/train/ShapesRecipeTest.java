package io.kiln.engine.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
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
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Both stages of the recipe, a few updates each, leave a diffusers folder the engine's own loader serves. */
class ShapesRecipeTest {
    @TempDir
    Path dir;

    @Test
    void trainsBothStagesIntoAFolderTheEngineLoadsAndRuns() throws IOException {
        ShapesModelFolder folder = new ShapesModelFolder(dir.resolve("kiln-shapes"));
        try (NDManager weights = NDManager.newBaseManager()) {
            TrainingSettings vae = shortRun(ShapesRecipe.vaeSettings(1));
            new Trainer(ShapesRecipe.vaeStage(folder, 1, weights), vae, dir.resolve("state/vae"), progress -> {})
                    .run(false);
        }
        try (NDManager weights = NDManager.newBaseManager()) {
            TrainingSettings ldm = shortRun(ShapesRecipe.ldmSettings(1));
            new Trainer(ShapesRecipe.ldmStage(folder, 1, weights), ldm, dir.resolve("state/ldm"), progress -> {})
                    .run(false);
        }

        try (StableDiffusionModel model = ModelLoader.load(folder.dir(), Optional.empty(), ModelOptions.cpu())) {
            assertThat(model.defaultSampler()).isEqualTo(Sampler.PLMS);
            assertThat(model.vae().scalingFactor())
                    .as("measured, not SD's 0.18215")
                    .isNotEqualTo(0.18215);
            List<JobResult> results = new StableDiffusionPipeline(model, new SeededNoise())
                    .generate(
                            List.of(GenerationJob.txt2img(
                                    "job",
                                    new Prompt("a red circle on a blue background, top left", "", 7.5),
                                    ImageSize.square(64),
                                    new Sampling(Sampler.PLMS, 2, 0),
                                    1,
                                    1)),
                            ProgressListener.NONE);
            assertThat(results.getFirst().images().getFirst().image().width()).isEqualTo(64);
        }
    }

    @Test
    void theSecondStageNeedsTheFirst() {
        try (NDManager weights = NDManager.newBaseManager()) {
            assertThatThrownBy(() -> ShapesRecipe.ldmStage(new ShapesModelFolder(dir), 1, weights))
                    .hasMessageContaining("kiln train vae --out " + dir);
        }
    }

    private static TrainingSettings shortRun(TrainingSettings recipe) {
        return new TrainingSettings(
                2,
                2,
                recipe.learningRate(),
                1,
                recipe.clipNorm(),
                recipe.emaDecay(),
                recipe.checkpointEvery(),
                recipe.seed());
    }
}
