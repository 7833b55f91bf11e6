package io.kiln.engine.pipeline;

import io.kiln.engine.sampling.NoiseSource;

/**
 * Opens each image's own random stream from its seed. Every random draw of an image (its initial latents, img2img's
 * VAE sample and noise, a stochastic sampler's per-step noise) comes from that stream in that order, so an image
 * is the same whatever batch it runs in; tests replay the draws a reference run recorded instead.
 */
@FunctionalInterface
public interface NoiseStreams {
    /** A fresh stream for the image with seed {@code seed}, drawing shapes of one image, (1, C, h, w). */
    NoiseSource open(long seed);
}
