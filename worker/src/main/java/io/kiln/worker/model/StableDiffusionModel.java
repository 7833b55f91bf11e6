package io.kiln.worker.model;

import ai.djl.ndarray.NDManager;
import io.kiln.worker.model.clip.CLIPTextModel;
import io.kiln.worker.model.tokenizer.ClipTokenizer;
import io.kiln.worker.model.unet.UNet2DConditionModel;
import io.kiln.worker.model.vae.AutoencoderKL;

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
    private final ModelOptions options;
    private final NDManager weights;

    StableDiffusionModel(
            String name,
            ClipTokenizer tokenizer,
            CLIPTextModel textEncoder,
            UNet2DConditionModel unet,
            AutoencoderKL vae,
            ModelOptions options,
            NDManager weights) {
        this.name = name;
        this.tokenizer = tokenizer;
        this.textEncoder = textEncoder;
        this.unet = unet;
        this.vae = vae;
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
