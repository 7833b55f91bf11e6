package io.kiln.engine.pipeline;

import io.kiln.engine.sampling.Sampler;
import java.util.Objects;

/**
 * One scheduler run: the sampler, how many steps it takes from pure noise to the image, and DDIM's η. Jobs that share
 * it (and their size and start step, {@link CompatibilityKey}) denoise as one batch.
 *
 * @param eta the share of DDPM's posterior variance a DDIM step re-injects (Song et al. eq. 16); 0 for the other
 *     samplers, which have no such parameter
 */
public record Sampling(Sampler sampler, int steps, double eta) {
    public Sampling {
        Objects.requireNonNull(sampler, "sampler");
        if (steps < 1) {
            throw new IllegalArgumentException("steps must be ≥ 1, got " + steps);
        }
        if (!(eta >= 0 && eta <= 1)) {
            throw new IllegalArgumentException("eta must lie in [0, 1], got " + eta);
        }
    }
}
