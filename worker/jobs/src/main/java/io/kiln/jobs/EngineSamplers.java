package io.kiln.jobs;

import io.kiln.engine.sampling.Sampler;

/**
 * The engine's sampler for each one the wire contract names. The switch has no default branch, so a sampler added to
 * the contract does not compile until it is mapped here.
 */
public final class EngineSamplers {
    private EngineSamplers() {}

    public static Sampler of(io.kiln.contracts.Sampler requested) {
        return switch (requested) {
            case DDIM -> Sampler.DDIM;
            case PLMS -> Sampler.PLMS;
            case DDPM -> Sampler.DDPM;
            case EULER -> Sampler.EULER;
            case EULER_ANCESTRAL -> Sampler.EULER_ANCESTRAL;
            case DPMPP_2M -> Sampler.DPMPP_2M;
        };
    }
}
