package io.kiln.engine.model;

import ai.djl.ndarray.NDManager;
import io.kiln.engine.model.clip.CLIPTextModel;
import io.kiln.engine.model.tokenizer.ClipTokenizer;
import io.kiln.engine.model.unet.UNet2DConditionModel;
import io.kiln.engine.model.vae.AutoencoderKL;
import io.kiln.engine.sampling.Sampler;
import io.kiln.engine.sampling.SchedulerConfig;

/**
 * A loaded Stable Diffusion 1.x model: tokenizer, text encoder, UNet and VAE, with their weights in one manager.
 * Loaded once and shared read-only: forward passes keep no state, so concurrent callers need no lock.
 */
public final class StableDiffusionModel implements AutoCloseable {
    private final String name;
    private final ClipTokenizer tokenizer;
    private final CLIPTextModel textEncoder;
    private final UNet2DConditionModel unet;
    private final AutoencoderKL vae;
    private final SchedulerConfig schedulerConfig;
    private final Sampler defaultSampler;
    private final ModelOptions options;
    private final NDManager weights;

    StableDiffusionModel(
            String name,
            ClipTokenizer tokenizer,
            CLIPTextModel textEncoder,
            UNet2DConditionModel unet,
            AutoencoderKL vae,
            SchedulerConfig schedulerConfig,
            Sampler defaultSampler,
            ModelOptions options,
            NDManager weights) {
        this.name = name;
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.unet = unet;
        this.vae = vae;
        this.schedulerConfig = schedulerConfig;
        this.defaultSampler = defaultSampler;
        this.options = options;
        this.weights = weights;
    }

    /** The name users know the model by: its folder or file name. */
    public String name() {
        return name;
    }

    public ClipTokenizer tokenizer() {
        return tokenizer;
    }

    public CLIPTextModel textEncoder() {
        return textEncoder;
    }

    public UNet2DConditionModel unet() {
        return unet;
    }

    public AutoencoderKL vae() {
        return vae;
    }

    /** The noise schedule the model was trained with, which every sampler is built from. */
    public SchedulerConfig schedulerConfig() {
        return schedulerConfig;
    }

    /** The sampler the checkpoint ships (PLMS for SD 1.5), used when a request names none. */
    public Sampler defaultSampler() {
        return defaultSampler;
    }

    public ModelOptions options() {
        return options;
    }

    /** The image size the UNet was trained at: its latent sample size times the VAE's factor. */
    public int nativeImageSize() {
        return unet.config().sampleSize() * vae.spatialScaleFactor();
    }

    /** Frees every weight. */
    @Override
    public void close() {
        weights.close();
    }
}
