package io.kiln.engine.model.vae;

import static io.kiln.engine.model.Tolerances.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.kiln.engine.check.Tolerance;
import io.kiln.engine.model.Golden;
import io.kiln.engine.model.GoldenTensors;
import io.kiln.engine.model.Tolerances;
import io.kiln.engine.model.load.StateDictLoader;
import io.kiln.engine.model.load.TensorSource;
import io.kiln.engine.model.nn.Activations;
import io.kiln.engine.model.nn.AttentionSlicing;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The VAE against diffusers' own outputs (golden {@code vectors/<model>/vae_{decode,encode}.safetensors}). */
class AutoencoderKLParityTest {

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "sd-mini"})
    void decodesUnscaledLatentsToTheReferenceImages(String model) throws IOException {
        String vectors = "vectors/" + model + "/vae_decode.safetensors";
        try (NDManager manager = NDManager.newBaseManager()) {
            AutoencoderKL vae = load(model, manager, AttentionSlicing.AUTO);
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(vectors), manager);

            NDArray decoded = vae.decode(golden.get("latents_unscaled"));

            assertClose(model + " decoded", decoded, golden.get("decoded"), Tolerances.forFile(vectors));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "sd-mini"})
    void encodesImagesToTheReferencePosteriorAndItsSample(String model) throws IOException {
        String vectors = "vectors/" + model + "/vae_encode.safetensors";
        try (NDManager manager = NDManager.newBaseManager()) {
            AutoencoderKL vae = load(model, manager, AttentionSlicing.AUTO);
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(vectors), manager);
            Tolerance tolerance = Tolerances.forFile(vectors);

            Posterior posterior = vae.encode(golden.get("image"));

            assertClose(model + " mean", posterior.mean(), golden.get("mean"), tolerance);
            assertClose(model + " logvar", posterior.logvar(), golden.get("logvar"), tolerance);
            assertClose(model + " std", posterior.std(), golden.get("std"), tolerance);
            assertClose(
                    model + " sample", posterior.sample(golden.get("sample_noise")), golden.get("sample"), tolerance);
            assertClose(
                    model + " latents_scaled_mean",
                    Activations.scale(posterior.mean(), (float) vae.scalingFactor()),
                    golden.get("latents_scaled_mean"),
                    tolerance);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {5, 64})
    void slicedMidBlockAttentionDecodesTheSameImages(int sliceSize) throws IOException {
        String vectors = "vectors/tiny/vae_decode.safetensors";
        try (NDManager manager = NDManager.newBaseManager()) {
            AutoencoderKL vae = load("tiny", manager, AttentionSlicing.fixed(sliceSize));
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(vectors), manager);

            NDArray decoded = vae.decode(golden.get("latents_unscaled"));

            assertClose(
                    "tiny decoded, slices of " + sliceSize,
                    decoded,
                    golden.get("decoded"),
                    Tolerances.forFile(vectors));
        }
    }

    static AutoencoderKL load(String model, NDManager manager, AttentionSlicing slicing) throws IOException {
        String folder = "models/" + model + "/vae/";
        AutoencoderKL vae = new AutoencoderKL(AutoencoderKLConfig.read(Golden.file(folder + "config.json")), slicing);
        Map<String, NDArray> weights =
                GoldenTensors.read(Golden.file(folder + "diffusion_pytorch_model.safetensors"), manager);
        List<String> unused = StateDictLoader.load(vae, TensorSource.of(folder, weights), manager, DataType.FLOAT32);
        assertThat(unused).as("checkpoint keys the VAE left unused").isEmpty();
        return vae;
    }
}
