package io.kiln.engine.model.vae;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.nn.Activations;
import io.kiln.engine.model.nn.Scopes;

/**
 * The encoder's approximate posterior q(z|x) = N(μ, σ²) with a diagonal covariance (Kingma and Welling 2014,
 * "Auto-Encoding Variational Bayes"), diffusers' {@code DiagonalGaussianDistribution}. The arrays belong to the
 * caller.
 *
 * <p>Shapes: B batch, L latent channels, h×w latent size.
 *
 * @param mean μ (B, L, h, w)
 * @param logvar log σ² (B, L, h, w), clamped to [−30, 20] so that σ stays finite and non-zero
 */
public record Posterior(NDArray mean, NDArray logvar) {
    private static final float LOGVAR_MIN = -30;
    private static final float LOGVAR_MAX = 20;

    /** Splits the encoder's moments (B, 2·L, h, w) into μ and the clamped log σ². */
    static Posterior fromMoments(NDArray moments) {
        NDList halves = moments.split(2, 1); // μ, log σ²: (B, L, h, w) each
        return new Posterior(halves.get(0), halves.get(1).clip(LOGVAR_MIN, LOGVAR_MAX));
    }

    /** σ = exp(½·log σ²), (B, L, h, w). */
    public NDArray std() {
        return Activations.scale(logvar, 0.5f).exp();
    }

    /**
     * KL(q ‖ N(0, I)) per latent element, averaged: ½·mean(μ² + σ² − 1 − log σ²), the regulariser of the KL
     * autoencoder's training loss (LDM's {@code DiagonalGaussianDistribution.kl}, which sums where this averages).
     */
    public NDArray kl() {
        return Scopes.scoped(() -> {
            NDArray terms = mean.square().add(logvar.exp()).sub(logvar); // (B, L, h, w): μ² + σ² − log σ²
            NDArray one = terms.getManager().ones(new Shape(), terms.getDataType(), terms.getDevice());
            return Activations.scale(terms.mean().sub(one), 0.5f);
        });
    }

    /**
     * A latent drawn by reparameterisation, z = μ + σ·ε, with the caller's standard normal {@code noise} ε (B, L, h, w)
     * so that the draw can be replayed.
     */
    public NDArray sample(NDArray noise) {
        return Scopes.scoped(() -> mean.add(std().mul(noise))); // (B, L, h, w)
    }
}
