package io.kiln.engine.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.engine.check.CheckResult.Compared;
import io.kiln.engine.check.CheckResult.NotCompared;
import io.kiln.engine.model.Golden;
import io.kiln.engine.model.ModelLoader;
import io.kiln.engine.model.ModelOptions;
import io.kiln.engine.model.StableDiffusionModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The golden models against their own vectors, and against each other's. */
class ModelCheckTest {

    @Test
    void theTinyModelPassesEveryOutputOfItsVectorsWithinTheManifestTolerances() throws IOException {
        Path vectors = Golden.file("vectors/tiny");
        try (StableDiffusionModel model = ModelLoader.load(Golden.file("models/tiny"), Optional.empty(), cpu())) {
            List<CheckResult> reported = new ArrayList<>();

            List<CheckResult> results = ModelCheck.of(vectors, ToleranceSource.nearestManifest(vectors))
                    .run(model, reported::add);

            assertThat(results).containsExactlyElementsOf(reported);
            assertThat(results)
                    .extracting(CheckResult::name)
                    .containsExactly(
                            "unet/out",
                            "unet/out_b",
                            "vae_decode/decoded",
                            "vae_encode/mean",
                            "vae_encode/logvar",
                            "vae_encode/sample",
                            "text_encoder/last_hidden_state",
                            "text_encoder/pooler_output",
                            "text_encoder/hidden_states_0",
                            "text_encoder/hidden_states_1",
                            "text_encoder/hidden_states_2",
                            "text_encoder/hidden_states_3",
                            "text_encoder/hidden_states_4",
                            "text_encoder/hidden_states_5");
            assertThat(results).allSatisfy(result -> {
                assertThat(result.passed()).as(result.line()).isTrue();
                assertThat(result.tolerance().source()).isEqualTo("manifest " + Golden.file("manifest.json"));
            });
            assertThat(results.get(0).tolerance().atol()).isEqualTo(2e-5);
        }
    }

    @Test
    void theOriginalSingleFileCheckpointPassesTheDiffusersVectors() throws IOException {
        Path vectors = Golden.file("vectors/sd-mini");
        try (StableDiffusionModel model = ModelLoader.loadSingleFile(
                Golden.file("models/sd-mini-original/sd-mini.safetensors"),
                Golden.file("models/sd-mini/tokenizer"),
                OptionalInt.of(2),
                cpu())) {

            List<CheckResult> results = ModelCheck.of(vectors, ToleranceSource.nearestManifest(vectors))
                    .run(model, result -> {});

            assertThat(results).hasSize(12).allSatisfy(result -> assertThat(result.passed())
                    .as(result.line())
                    .isTrue());
        }
    }

    @Test
    void vectorsOfAnotherModelFailEveryOutputWithoutStoppingTheCheck() throws IOException {
        Path vectors = Golden.file("vectors/sd-mini");
        try (StableDiffusionModel model = ModelLoader.load(Golden.file("models/tiny"), Optional.empty(), cpu())) {

            List<CheckResult> results = ModelCheck.of(vectors, ToleranceSource.nearestManifest(vectors))
                    .run(model, result -> {});

            assertThat(results).hasSize(12).noneMatch(CheckResult::passed);
            // The tiny UNet takes sd-mini's latents and predicts other noise.
            assertThat(results.get(0)).isInstanceOf(Compared.class);
            // Its VAE has one downsampling where sd-mini's has three.
            assertThat(byName(results, "vae_decode/decoded").line())
                    .endsWith("FAIL (shape (2, 3, 16, 16), reference (2, 3, 64, 64))");
            // sd-mini's noise does not fit the tiny posterior, and its CLIP ids overflow tiny's 1000-token vocabulary:
            // libtorch refuses both, and the lines say so.
            assertThat(byName(results, "vae_encode/sample")).isInstanceOf(NotCompared.class);
            assertThat(byName(results, "vae_encode/sample").line()).contains("FAIL (not computed: ");
            assertThat(byName(results, "text_encoder/last_hidden_state").line()).contains("FAIL (not computed: ");
        }
    }

    @Test
    void aZeroToleranceFailsWhereFloatRoundingDiffers() throws IOException {
        Path vectors = Golden.file("vectors/tiny");
        Tolerance exact = new Tolerance(0, 0, "given");
        try (StableDiffusionModel model = ModelLoader.load(Golden.file("models/tiny"), Optional.empty(), cpu())) {

            List<CheckResult> results =
                    ModelCheck.of(vectors, ToleranceSource.fixed(exact)).run(model, result -> {});

            assertThat(results).anyMatch(result -> !result.passed());
            assertThat(results)
                    .allSatisfy(result -> assertThat(result.tolerance()).isSameAs(exact));
        }
    }

    @Test
    void aFolderWithoutVectorFilesIsRefusedBeforeAnyModelIsLoaded(@TempDir Path empty) throws IOException {
        Files.writeString(empty.resolve("unet.json"), "{}");

        assertThatThrownBy(() -> ModelCheck.of(empty, ToleranceSource.nearestManifest(empty)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(empty + " holds none of unet.safetensors, vae_decode.safetensors,"
                        + " vae_encode.safetensors, text_encoder.safetensors");
    }

    private static CheckResult byName(List<CheckResult> results, String name) {
        return results.stream()
                .filter(result -> result.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    private static ModelOptions cpu() {
        return ModelOptions.cpu();
    }
}
