package io.kiln.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import io.kiln.engine.pipeline.GenerationJob;
import io.kiln.engine.pipeline.ImageSize;
import io.kiln.engine.pipeline.Img2img;
import io.kiln.engine.pipeline.Prompt;
import io.kiln.engine.pipeline.Sampling;
import io.kiln.engine.sampling.Sampler;
import java.util.OptionalDouble;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class GenerationParametersTest {
    private static GenerationParameters fox(String negativePrompt, Sampler sampler, double guidance, String model) {
        return new GenerationParameters(
                "a red fox in snow",
                negativePrompt,
                30,
                sampler,
                guidance,
                42,
                512,
                512,
                model,
                "1a2b3c4d5e",
                OptionalDouble.empty());
    }

    @Test
    void writesA1111InfotextWithPromptNegativePromptAndSettingsLines() {
        assertThat(fox("blurry", Sampler.DDIM, 7.5, "sd-v1-5").infotext()).isEqualTo("""
                        a red fox in snow
                        Negative prompt: blurry
                        Steps: 30, Sampler: DDIM, CFG scale: 7.5, Seed: 42, Size: 512x512, Model hash: 1a2b3c4d5e, \
                        Model: sd-v1-5""");
    }

    @Test
    void omitsNegativePromptLineWhenEmpty() {
        assertThat(fox("", Sampler.DDIM, 7.5, "sd-v1-5").infotext()).isEqualTo("""
                        a red fox in snow
                        Steps: 30, Sampler: DDIM, CFG scale: 7.5, Seed: 42, Size: 512x512, Model hash: 1a2b3c4d5e, \
                        Model: sd-v1-5""");
    }

    @ParameterizedTest
    @CsvSource({
        "DDIM, DDIM",
        "PLMS, PLMS",
        "DDPM, DDPM",
        "EULER, Euler",
        "EULER_ANCESTRAL, Euler a",
        "DPMPP_2M, DPM++ 2M"
    })
    void namesSamplersAsA1111Does(Sampler sampler, String a1111Name) {
        assertThat(fox("", sampler, 7.5, "sd-v1-5").infotext()).contains(", Sampler: " + a1111Name + ", ");
    }

    @Test
    void writesWholeGuidanceWithoutFraction() {
        assertThat(fox("", Sampler.DDIM, 7, "sd-v1-5").infotext()).contains(", CFG scale: 7, ");
    }

    @Test
    void quotesValuesHoldingSeparatorsAsJson() {
        assertThat(fox("", Sampler.DDIM, 7.5, "fox, v2: \"final\"").infotext())
                .endsWith(", Model: \"fox, v2: \\\"final\\\"\"");
    }

    @Test
    void addsDenoisingStrengthForImg2img() {
        GenerationJob job = GenerationJob.img2img(
                "job-1",
                new Prompt("a fox", "", 7.5),
                new Img2img(TestImages.solid(64, 48, 0, 0, 0), 0.75),
                new Sampling(Sampler.EULER_ANCESTRAL, 20, 0),
                9,
                2);

        GenerationParameters parameters = job.parameters(10, "sd-v1-5", "1a2b3c4d5e");

        assertThat(parameters.infotext()).isEqualTo("""
                        a fox
                        Steps: 20, Sampler: Euler a, CFG scale: 7.5, Seed: 10, Size: 64x48, Model hash: 1a2b3c4d5e, \
                        Model: sd-v1-5, Denoising strength: 0.75""");
    }

    @Test
    void takesTxt2imgJobFieldsWithoutStrength() {
        GenerationJob job = GenerationJob.txt2img(
                "job-1",
                new Prompt("a fox", "dog", 6),
                new ImageSize(512, 768),
                new Sampling(Sampler.DPMPP_2M, 25, 0),
                7,
                1);

        assertThat(job.parameters(7, "sd-v1-5", "1a2b3c4d5e"))
                .isEqualTo(new GenerationParameters(
                        "a fox",
                        "dog",
                        25,
                        Sampler.DPMPP_2M,
                        6,
                        7,
                        512,
                        768,
                        "sd-v1-5",
                        "1a2b3c4d5e",
                        OptionalDouble.empty()));
    }

    @Test
    void rejectsAFullLengthHash() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new GenerationParameters(
                        "a fox",
                        "",
                        30,
                        Sampler.DDIM,
                        7.5,
                        42,
                        512,
                        512,
                        "sd-v1-5",
                        "1a2b3c4d5e6f7a8b",
                        OptionalDouble.empty()))
                .withMessageContaining("model hash must be 10 lowercase hex digits, got \"1a2b3c4d5e6f7a8b\"");
    }
}
