package io.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.engine.image.RgbImage;
import io.kiln.engine.model.ModelLoader;
import io.kiln.engine.model.ModelOptions;
import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.pipeline.GenerationJob;
import io.kiln.engine.pipeline.ImageSize;
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
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The model a benchmark builds when it is given none: a diffusers folder the engine loads and generates from. */
class TinyRandomModelTest {

    @TempDir
    Path dir;

    @Test
    void loadsAndGeneratesA64PixelImageInTwoSteps() throws IOException {
        Path folder = TinyRandomModel.writeInto(dir);

        try (StableDiffusionModel model = ModelLoader.load(folder, Optional.empty(), ModelOptions.cpu())) {
            GenerationJob job = GenerationJob.txt2img(
                    "tiny",
                    new Prompt("a red fox in the snow", "", 7.5),
                    ImageSize.square(64),
                    new Sampling(Sampler.DDIM, 2, 0),
                    42,
                    1);
            RgbImage image = new StableDiffusionPipeline(model, new SeededNoise())
                    .generate(List.of(job), ProgressListener.NONE)
                    .getFirst()
                    .images()
                    .getFirst()
                    .image();

            assertThat(model.name()).isEqualTo(TinyRandomModel.NAME);
            assertThat(image.width()).isEqualTo(64);
            assertThat(image.height()).isEqualTo(64);
            // not one flat colour: the PNG encoding a benchmark times depends on what the image holds
            assertThat(IntStream.range(0, image.pixels().length)
                            .map(i -> image.pixels()[i])
                            .distinct()
                            .count())
                    .isGreaterThan(16);
        }
    }

    @Test
    void tokenizesEveryByteOfAPromptAsATokenOfItsOwn() throws IOException {
        Path folder = TinyRandomModel.writeInto(dir);

        try (StableDiffusionModel model = ModelLoader.load(folder, Optional.empty(), ModelOptions.cpu())) {
            assertThat(model.tokenizer().tokens("Fox, ü"))
                    .containsExactly("<|startoftext|>", "f", "o", "x</w>", ",</w>", "Ã", "¼</w>", "<|endoftext|>");
        }
    }

    @Test
    void writesTheSameWeightsEveryTime() throws IOException {
        Path first = TinyRandomModel.writeInto(dir.resolve("first"));
        Path second = TinyRandomModel.writeInto(dir.resolve("second"));

        for (String weights : List.of(
                "unet/diffusion_pytorch_model.safetensors",
                "vae/diffusion_pytorch_model.safetensors",
                "text_encoder/model.safetensors")) {
            assertThat(first.resolve(weights)).hasSameBinaryContentAs(second.resolve(weights));
        }
    }
}
