package io.kiln.engine.model.load.compvis;

import io.kiln.engine.model.clip.CLIPTextConfig;
import io.kiln.engine.model.load.TensorSource;
import io.kiln.engine.model.unet.UNetConfig;
import io.kiln.engine.model.vae.AutoencoderKLConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;

/**
 * The configs of the three components of an original single-file checkpoint.
 *
 * @param origin where the UNet and VAE configs came from, for logs: the CompVis yaml or the tensor shapes
 */
public record OriginalConfigs(UNetConfig unet, AutoencoderKLConfig vae, CLIPTextConfig textEncoder, String origin) {

    /**
     * The UNet and VAE configs from the CompVis yaml beside {@code checkpoint} (see {@link CompVisYaml#beside}), else
     * inferred from the shapes in {@code file}; the text encoder's always from the shapes, with {@code hidden / 64}
     * heads (see {@link ConfigInference#textEncoder(TensorSource)}).
     */
    public static OriginalConfigs resolve(Path checkpoint, TensorSource file) throws IOException {
        return resolve(checkpoint, file, ConfigInference.textEncoder(file));
    }

    /**
     * As {@link #resolve(Path, TensorSource)}, with the text encoder's head count given: neither the weights nor the
     * yaml (which only names a Hugging Face model) record it, and a text encoder whose width is no multiple of 64 does
     * not follow CLIP's head width.
     */
    public static OriginalConfigs resolve(Path checkpoint, TensorSource file, int textEncoderHeads) throws IOException {
        return resolve(checkpoint, file, ConfigInference.textEncoder(file, textEncoderHeads));
    }

    private static OriginalConfigs resolve(Path checkpoint, TensorSource file, CLIPTextConfig textEncoder)
            throws IOException {
        Optional<Path> yamlFile = CompVisYaml.beside(checkpoint);
        if (yamlFile.isPresent()) {
            CompVisYaml yaml = CompVisYaml.read(yamlFile.get());
            return new OriginalConfigs(
                    yaml.unet(), yaml.vae(), textEncoder, yaml.file().toString());
        }
        return new OriginalConfigs(
                ConfigInference.unet(file),
                ConfigInference.vae(file),
                textEncoder,
                "the tensor shapes of " + file.description() + " (SD 1.x defaults where shapes cannot tell)");
    }
}
