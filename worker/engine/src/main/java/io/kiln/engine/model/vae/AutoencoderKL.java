package io.kiln.engine.model.vae;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.nn.AttentionSlicing;
import io.kiln.engine.model.nn.Conv2d;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.Scopes;
import java.util.List;

/**
 * The KL-regularised autoencoder of latent diffusion (Rombach et al. 2022, "High-Resolution Image Synthesis with
 * Latent Diffusion Models", §3): images in [−1, 1] to a posterior over latents f times smaller per side, and latents
 * back to images. Module paths equal diffusers' {@code AutoencoderKL} keys.
 *
 * <p>The diffusion model works on scaled latents; {@link #encode} and {@link #decode} work on unscaled ones, as
 * diffusers' do: multiply a sample by {@link #scalingFactor()} before diffusion, divide by it before decoding.
 *
 * <p>Shapes: B batch, H×W image, L latent channels, f = {@link #spatialScaleFactor()}, h = H/f, w = W/f.
 */
public final class AutoencoderKL extends Module {
    /** The epsilon of every GroupNorm in the VAE, fixed in diffusers' and CompVis' code rather than configured. */
    static final float NORM_EPS = 1e-6f;

    private final AutoencoderKLConfig config;
    private final Encoder encoder;
    private final Conv2d quantConv;
    private final Conv2d postQuantConv;
    private final Decoder decoder;

    public AutoencoderKL(AutoencoderKLConfig config, AttentionSlicing slicing) {
        this.config = config;
        long latent = config.latentChannels();
        this.encoder = child("encoder", new Encoder(config, slicing));
        this.decoder = child("decoder", new Decoder(config, slicing));
        this.quantConv = child("quant_conv", Conv2d.same(2 * latent, 2 * latent, 1));
        this.postQuantConv = child("post_quant_conv", Conv2d.same(latent, latent, 1));
    }

    public AutoencoderKLConfig config() {
        return config;
    }

    /** The factor between unscaled and scaled latents: z_scaled = z·factor (0.18215 for SD 1.x). */
    public double scalingFactor() {
        return config.scalingFactor();
    }

    /** The image side per latent side, diffusers' {@code vae_scale_factor} (8 for SD 1.x). */
    public int spatialScaleFactor() {
        return config.spatialScaleFactor();
    }

    /**
     * Encodes images.
     *
     * @param image (B, 3, H, W) in [−1, 1], H and W multiples of f
     * @return the posterior over unscaled latents (B, L, h, w); every intermediate array is released
     */
    public Posterior encode(NDArray image) {
        return Scopes.scoped(
                () -> Posterior.fromMoments(quantConv.forward(encoder.forward(image))), // (B, 2·L, h, w) moments
                posterior -> List.of(posterior.mean(), posterior.logvar()));
    }

    /**
     * Decodes latents.
     *
     * @param latents unscaled latents (B, L, h, w): scaled ones divided by {@link #scalingFactor()}
     * @return images (B, 3, f·h, f·w), nominally in [−1, 1] but not clamped; every intermediate array is released
     */
    public NDArray decode(NDArray latents) {
        return Scopes.scoped(() -> decoder.forward(postQuantConv.forward(latents))); // (B, 3, f·h, f·w)
    }
}
