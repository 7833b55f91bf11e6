package io.kiln.engine.model.load.compvis;

/**
 * Values an original checkpoint does not record: fixed in the LDM code, or the same in every released SD 1.x model.
 * Shared by the yaml translation and the shape inference so both produce the same config for the same model.
 */
final class Sd1Defaults {
    /** ldm's {@code GroupNorm32} and {@code Normalize}: the group count is code, not config. */
    static final int NORM_GROUPS = 32;

    /** ldm's UNet {@code GroupNorm32} keeps torch's default epsilon. */
    static final float UNET_NORM_EPS = 1e-5f;

    /**
     * SD 1.x generates 512×512 pixels from 64×64 latents. The yaml's {@code image_size} (32) and {@code resolution}
     * (256) are left over from the first, 256-pixel training stage and never read at inference; diffusers' conversion
     * ignores them too.
     */
    static final int LATENT_SIZE = 64;

    static final int IMAGE_SIZE = 512;

    /**
     * Every v1 yaml sets {@code num_heads: 8}. Heads only split a width, so the weights cannot tell; a checkpoint with
     * other heads loads without error but computes something else, and needs its yaml.
     */
    static final int UNET_HEADS = 8;

    /** The VAE latent scale of SD 1.x, the yaml's {@code scale_factor}. */
    static final double SCALE_FACTOR = 0.18215;

    /** Every CLIP text tower OpenAI and OpenCLIP released has 64-wide heads (ViT-L/14: 768 = 12 × 64). */
    static final int CLIP_HEAD_WIDTH = 64;

    /** SD 1.x's {@code text_encoder/config.json} (openai/clip-vit-large-patch14): values no tensor shows. */
    static final float CLIP_LAYER_NORM_EPS = 1e-5f;

    static final int CLIP_BOS = 0;
    static final int CLIP_EOS = 2;
    static final int CLIP_PAD = 1;

    private Sd1Defaults() {}
}
