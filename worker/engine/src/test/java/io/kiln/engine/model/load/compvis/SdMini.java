package io.kiln.engine.model.load.compvis;

import ai.djl.ndarray.NDManager;
import io.kiln.engine.model.Golden;
import io.kiln.engine.model.GoldenTensors;
import io.kiln.engine.model.clip.CLIPTextConfig;
import io.kiln.engine.model.load.TensorSource;
import io.kiln.engine.model.unet.UNetConfig;
import io.kiln.engine.model.vae.AutoencoderKLConfig;
import java.io.IOException;
import java.nio.file.Path;

/** The golden sd-mini model in both layouts: the diffusers folder and the converted single file beside its yaml. */
final class SdMini {
    static final String CHECKPOINT = "models/sd-mini-original/sd-mini.safetensors";
    static final String YAML = "models/sd-mini-original/v1-inference-sd-mini.yaml";
    static final String FOLDER = "models/sd-mini/";

    /** From {@code models/sd-mini/text_encoder/config.json}: the single file cannot say (its width 32 is < 64). */
    static final int TEXT_ENCODER_HEADS = 2;

    private SdMini() {}

    static Path checkpoint() {
        return Golden.file(CHECKPOINT);
    }

    /** The single file, read whole into {@code manager}. */
    static TensorSource singleFile(NDManager manager) {
        return TensorSource.of(CHECKPOINT, GoldenTensors.read(checkpoint(), manager));
    }

    /** A file of the diffusers folder, such as {@code unet/diffusion_pytorch_model.safetensors}. */
    static TensorSource diffusersFile(String relativePath, NDManager manager) {
        return TensorSource.of(FOLDER + relativePath, GoldenTensors.read(Golden.file(FOLDER + relativePath), manager));
    }

    /** The configs of the diffusers folder: what the single file's configs must reproduce. */
    static OriginalConfigs diffusersConfigs() throws IOException {
        return new OriginalConfigs(
                UNetConfig.read(Golden.file(FOLDER + "unet/config.json")),
                AutoencoderKLConfig.read(Golden.file(FOLDER + "vae/config.json")),
                CLIPTextConfig.read(Golden.file(FOLDER + "text_encoder/config.json")),
                FOLDER);
    }
}
