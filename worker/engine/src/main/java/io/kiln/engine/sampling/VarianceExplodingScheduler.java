package io.kiln.engine.sampling;

import ai.djl.ndarray.NDArray;

/**
 * The Euler family, which integrates in Karras et al. (2022)'s variance-exploding variable x = x_0 + σ·ε with
 * σ = √((1 − ᾱ)/ᾱ): it starts from noise of standard deviation σ_max and hands the UNet x/√(σ² + 1), the sample it was
 * trained on. The timesteps are float32 ("linspace" ones are fractional), and σ at each is interpolated from the
 * training table; a final σ = 0 closes the run.
 */
abstract class VarianceExplodingScheduler extends AbstractScheduler {
    private float[] sigmas;

    VarianceExplodingScheduler(SchedulerConfig config) {
        super(config);
    }

    @Override
    protected float[] prepareRun(int n) {
        double[] values = spacing().descending(n, config.numTrainTimesteps(), config.stepsOffset());
        float[] timesteps = new float[n];
        for (int i = 0; i < n; i++) {
            timesteps[i] = (float) values[i];
        }
        float[] interpolated = schedule.sigmasAt(timesteps);
        sigmas = new float[n + 1];
        System.arraycopy(interpolated, 0, sigmas, 0, n);
        return timesteps;
    }

    /** σ_i, the noise level of step i; σ_n = 0. */
    protected final float sigma(int stepIndex) {
        return sigmas[stepIndex];
    }

    /**
     * σ_max for "linspace" and "trailing" runs; √(σ_max² + 1) for "leading" ones, whose first timestep lies below
     * T − 1 (diffusers' rule).
     */
    @Override
    public double initNoiseSigma() {
        requireRun();
        float max = 0;
        for (float sigma : sigmas) {
            max = Math.max(max, sigma);
        }
        return spacing() == TimestepSpacing.LEADING ? (float) Math.sqrt(max * max + 1f) : max;
    }

    /** x/√(σ_i² + 1): the variance-preserving sample the UNet was trained on. */
    @Override
    public NDArray scaleModelInput(NDArray sample, int stepIndex) {
        float sigma = sigma(checkStep(stepIndex));
        return sample.div((float) Math.sqrt(sigma * sigma + 1f)); // (B, C, h, w), in sample's manager
    }

    /** x_0 + σ_i·ε. */
    @Override
    public NDArray addNoise(NDArray original, NDArray noise, int stepIndex) {
        float sigma = sigma(checkStep(stepIndex));
        try (StepScope scope = StepScope.open(original, noise)) {
            return scope.keep(original.add(noise.mul(sigma))); // (B, C, h, w)
        }
    }

    private TimestepSpacing spacing() {
        return config.timestepSpacingOr(TimestepSpacing.LINSPACE);
    }
}
