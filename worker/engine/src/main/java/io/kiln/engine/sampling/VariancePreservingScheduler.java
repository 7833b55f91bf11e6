package io.kiln.engine.sampling;

import ai.djl.ndarray.NDArray;

/**
 * The schedulers that work on the model's own samples x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε (Song et al. 2021's
 * variance-preserving process): integer training timesteps, unit initial noise, and a UNet input that needs no
 * scaling.
 */
abstract class VariancePreservingScheduler extends AbstractScheduler {
    VariancePreservingScheduler(SchedulerConfig config) {
        super(config);
    }

    @Override
    public double initNoiseSigma() {
        return 1;
    }

    @Override
    public NDArray scaleModelInput(NDArray sample, int stepIndex) {
        checkStep(stepIndex);
        return sample;
    }

    /** q(x_t | x_0) (Ho et al. 2020, eq. 4): x_t = √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε. */
    @Override
    public NDArray addNoise(NDArray original, NDArray noise, int stepIndex) {
        float alphaProd = schedule.alphaCumprod(trainTimestep(stepIndex));
        float sqrtAlphaProd = (float) Math.sqrt(alphaProd);
        float sqrtOneMinusAlphaProd = (float) Math.sqrt(1f - alphaProd);
        try (StepScope scope = StepScope.open(original, noise)) {
            return scope.keep(original.mul(sqrtAlphaProd).add(noise.mul(sqrtOneMinusAlphaProd))); // (B, C, h, w)
        }
    }

    /** t − ⌊T/n⌋: where a step from t lands (diffusers' {@code prev_timestep}; negative past the end). */
    protected final int previousTimestep(int t) {
        return t - config.numTrainTimesteps() / numInferenceSteps();
    }

    /** The n timesteps of {@code spacing}, rounded half to even as numpy's {@code round}. */
    protected final float[] integerTimesteps(TimestepSpacing spacing, int n) {
        double[] values = spacing.descending(n, config.numTrainTimesteps(), config.stepsOffset());
        float[] timesteps = new float[n];
        for (int i = 0; i < n; i++) {
            timesteps[i] = (float) Math.rint(values[i]);
        }
        return timesteps;
    }
}
