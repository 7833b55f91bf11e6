package io.kiln.engine.sampling;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * Where a stochastic sampler (DDPM, DDIM with η > 0, Euler ancestral) gets the fresh noise z ~ N(0, I) of a step. The
 * pipeline supplies one drawing each image's rows from that image's own generator, so a batch reproduces its images
 * run alone; tests replay the noise a reference run recorded.
 */
@FunctionalInterface
public interface NoiseSource {
    /**
     * Standard normal float32 noise of {@code shape} (the sample's, (B, C, h, w)). Arrays created on {@code manager}
     * are freed when the step ends; an array the source returns from elsewhere stays its owner's.
     */
    NDArray next(Shape shape, NDManager manager);

    /** For deterministic sampling: fails when a scheduler asks for noise. */
    static NoiseSource none() {
        return (shape, manager) -> {
            throw new IllegalStateException("this sampler draws noise at every step: give it a NoiseSource");
        };
    }
}
