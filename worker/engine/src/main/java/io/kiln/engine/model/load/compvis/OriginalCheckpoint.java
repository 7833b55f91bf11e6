package io.kiln.engine.model.load.compvis;

import io.kiln.engine.model.load.TensorSource;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * An original single-file (CompVis/LDM) Stable Diffusion checkpoint, such as {@code sd-v1-5.safetensors}: the UNet
 * under {@code model.diffusion_model.}, the VAE under {@code first_stage_model.} and the CLIP text model under
 * {@code cond_stage_model.transformer.}, each offered as a {@link TensorSource} under diffusers keys.
 *
 * <p>Such files often carry more than the three models: EMA copies of the UNet ({@code model_ema.*}) and the noise
 * schedule ({@code betas}, {@code alphas_cumprod}, …), which Kiln's schedulers recompute. {@link #unusedKeys()} lists
 * them once for the whole file; the per-component loads then only report keys a component maps but its module tree
 * does not declare.
 */
public final class OriginalCheckpoint {
    private final TensorSource file;
    private final OriginalConfigs configs;
    private final OriginalKeyMap unetKeys;
    private final OriginalKeyMap vaeKeys;
    private final OriginalKeyMap textEncoderKeys;

    /** The components of {@code file} under the architecture {@code configs} describe. */
    public OriginalCheckpoint(TensorSource file, OriginalConfigs configs) {
        this.file = file;
        this.configs = configs;
        this.unetKeys = OriginalKeyMap.unet(configs.unet());
        this.vaeKeys = OriginalKeyMap.vae(configs.vae());
        this.textEncoderKeys = OriginalKeyMap.textEncoder();
    }

    /**
     * {@code file}, read from {@code checkpoint}, with configs from its yaml or its shapes (see
     * {@link OriginalConfigs#resolve(Path, TensorSource)}). For a text encoder narrower than CLIP's head width, give
     * its heads: {@code new OriginalCheckpoint(file, OriginalConfigs.resolve(checkpoint, file, heads))}.
     */
    public static OriginalCheckpoint open(Path checkpoint, TensorSource file) throws IOException {
        return new OriginalCheckpoint(file, OriginalConfigs.resolve(checkpoint, file));
    }

    /** Whether {@code file} is laid out as an original checkpoint: it holds a UNet under the LDM prefix. */
    public static boolean isOriginalLayout(TensorSource file) {
        return file.keys().stream().anyMatch(key -> key.startsWith(OriginalKeyMap.UNET_PREFIX));
    }

    /** The architecture of the three components, and where it was read from. */
    public OriginalConfigs configs() {
        return configs;
    }

    /** The UNet under diffusers {@code UNet2DConditionModel} keys. */
    public TensorSource unet() {
        return new OriginalCheckpointSource(file, unetKeys);
    }

    /** The VAE under diffusers {@code AutoencoderKL} keys. */
    public TensorSource vae() {
        return new OriginalCheckpointSource(file, vaeKeys);
    }

    /** The text encoder under transformers {@code CLIPTextModel} keys. */
    public TensorSource textEncoder() {
        return new OriginalCheckpointSource(file, textEncoderKeys);
    }

    /** The keys of the file that belong to none of the three components, sorted: EMA weights, schedule buffers, …. */
    public List<String> unusedKeys() {
        return file.keys().stream()
                .filter(key -> Stream.of(unetKeys, vaeKeys, textEncoderKeys)
                        .noneMatch(map -> map.toDiffusers(key).isPresent()))
                .sorted()
                .toList();
    }
}
