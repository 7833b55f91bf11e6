package io.kiln.engine.model.load.compvis;

import static io.kiln.engine.model.Tolerances.assertClose;
import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.kiln.engine.model.Golden;
import io.kiln.engine.model.GoldenTensors;
import io.kiln.engine.model.Tolerances;
import io.kiln.engine.model.clip.CLIPTextModel;
import io.kiln.engine.model.load.StateDictLoader;
import io.kiln.engine.model.load.TensorSource;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.safetensors.SafetensorsFile;
import io.kiln.engine.model.unet.UNet2DConditionModel;
import io.kiln.engine.model.vae.AutoencoderKL;
import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The models loaded from the memory-mapped single file, with configs from its yaml, against diffusers' outputs for the sd-mini
 * folder (golden {@code vectors/sd-mini/}): the same weights must give the same numbers.
 */
class OriginalCheckpointParityTest {

    @Test
    void unetFromTheSingleFilePredictsTheReferenceNoise() throws IOException {
        String vectors = "vectors/sd-mini/unet.safetensors";
        try (SafetensorsFile file = SafetensorsFile.open(SdMini.checkpoint());
                NDManager manager = NDManager.newBaseManager()) {
            OriginalCheckpoint checkpoint = open(file);
            UNet2DConditionModel unet =
                    new UNet2DConditionModel(checkpoint.configs().unet(), AttentionSlicing.AUTO);
            assertThat(StateDictLoader.load(unet, checkpoint.unet(), manager, DataType.FLOAT32))
                    .as("single-file keys the UNet left unused")
                    .isEmpty();
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(vectors), manager);

            NDArray out =
                    unet.forward(golden.get("sample"), golden.get("timestep"), golden.get("encoder_hidden_states"));
            NDArray outB = unet.forward(
                    golden.get("sample_b"), golden.get("timestep_b"), golden.get("encoder_hidden_states_b"));

            assertClose("out", out, golden.get("out"), Tolerances.forFile(vectors));
            assertClose("out_b", outB, golden.get("out_b"), Tolerances.forFile(vectors));
        }
    }

    @Test
    void vaeFromTheSingleFileDecodesTheReferenceImages() throws IOException {
        String vectors = "vectors/sd-mini/vae_decode.safetensors";
        try (SafetensorsFile file = SafetensorsFile.open(SdMini.checkpoint());
                NDManager manager = NDManager.newBaseManager()) {
            OriginalCheckpoint checkpoint = open(file);
            AutoencoderKL vae = new AutoencoderKL(checkpoint.configs().vae(), AttentionSlicing.AUTO);
            assertThat(StateDictLoader.load(vae, checkpoint.vae(), manager, DataType.FLOAT32))
                    .as("single-file keys the VAE left unused")
                    .isEmpty();
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(vectors), manager);

            NDArray decoded = vae.decode(golden.get("latents_unscaled"));

            assertClose("decoded", decoded, golden.get("decoded"), Tolerances.forFile(vectors));
        }
    }

    @Test
    void textEncoderFromTheSingleFileEncodesTheReferencePrompts() throws IOException {
        String vectors = "vectors/sd-mini/text_encoder.safetensors";
        try (SafetensorsFile file = SafetensorsFile.open(SdMini.checkpoint());
                NDManager manager = NDManager.newBaseManager()) {
            OriginalCheckpoint checkpoint = open(file);
            CLIPTextModel textEncoder = new CLIPTextModel(checkpoint.configs().textEncoder());
            assertThat(StateDictLoader.load(textEncoder, checkpoint.textEncoder(), manager, DataType.FLOAT32))
                    .as("single-file keys the text encoder left unused")
                    .isEmpty();
            Map<String, NDArray> golden = GoldenTensors.read(Golden.file(vectors), manager);

            NDArray lastHiddenState =
                    textEncoder.forward(golden.get("input_ids")).lastHiddenState();

            assertClose(
                    "last_hidden_state", lastHiddenState, golden.get("last_hidden_state"), Tolerances.forFile(vectors));
        }
    }

    /** As the model loader opens a user's file: memory-mapped, configs from the yaml beside it. */
    private static OriginalCheckpoint open(SafetensorsFile safetensors) throws IOException {
        TensorSource file = TensorSource.of(safetensors);
        OriginalCheckpoint checkpoint = new OriginalCheckpoint(
                file, OriginalConfigs.resolve(safetensors.path(), file, SdMini.TEXT_ENCODER_HEADS));
        assertThat(checkpoint.unusedKeys()).as("keys of no component").isEmpty();
        return checkpoint;
    }
}
