package io.kiln.engine.train;

import io.kiln.engine.sampling.NoiseSchedule;

/**
 * λ(t), the weight of a timestep's ε-prediction error in the LDM loss, as a function of its signal-to-noise ratio
 * SNR(t) = ᾱ_t / (1 − ᾱ_t). The network predicts ε under every weighting; only what its errors cost changes. Weights
 * are divided by their mean over the schedule, so that the loss keeps the scale of the unweighted one.
 */
public enum TimestepWeighting {
    /** λ = 1: LDM's eq. 2 and DDPM's "simple" loss (Ho et al. 2020). */
    UNIFORM {
        @Override
        double raw(double snr) {
            return 1;
        }
    },
    /**
     * λ = 1 + 1/SNR = 1/ᾱ_t: the ε-error weighted so that the loss equals v-prediction's (Salimans and Ho 2022, §4): with
     * x₀ implied by the predicted ε, v − v̂ = (ε − ε̂)/√ᾱ_t. That loss weighs the implied x₀ error by SNR + 1 where the
     * uniform loss weighs it by SNR: the noisiest step, where the sampler sets the background and the layout, weighs
     * over 200 times what the cleanest does, where the uniform loss weighs them alike.
     */
    SNR_PLUS_ONE {
        @Override
        double raw(double snr) {
            return 1 + 1 / snr;
        }
    };

    abstract double raw(double snr);

    /** λ(t) for every training step of {@code schedule}, normalised to a mean of one. */
    float[] weights(NoiseSchedule schedule) {
        float[] weights = new float[schedule.trainSteps()];
        double sum = 0;
        double[] raw = new double[weights.length];
        for (int t = 0; t < weights.length; t++) {
            double alphaCumprod = schedule.alphaCumprod(t);
            raw[t] = raw(alphaCumprod / (1 - alphaCumprod));
            sum += raw[t];
        }
        for (int t = 0; t < weights.length; t++) {
            weights[t] = (float) (raw[t] * weights.length / sum);
        }
        return weights;
    }
}
