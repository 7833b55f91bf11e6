package io.kiln.engine.sampling;

import ai.djl.ndarray.NDArray;

/**
 * DDPM ancestral sampling (Ho, Jain and Abbeel 2020, "Denoising Diffusion Probabilistic Models"), as diffusers'
 * {@code DDPMScheduler} with its default {@code variance_type} "fixed_small": each step draws x_{t−1} from the
 * posterior q(x_{t−1} | x_t, x̂_0) of eq. 6–7, with x̂_0 predicted from ε. Strided over n of the T training steps,
 * the posterior is taken between t and t − ⌊T/n⌋.
 *
 * <p>Symbols (eq. 6–7), with t−1 standing for t − ⌊T/n⌋:
 *
 * <ul>
 *   <li>{@code alphaProd} = ᾱ_t, {@code alphaProdPrev} = ᾱ_{t−1} (1 past t = 0), {@code betaProd} = 1 − ᾱ_t,
 *       {@code betaProdPrev} = 1 − ᾱ_{t−1}
 *   <li>{@code currentAlpha} = α_t = ᾱ_t/ᾱ_{t−1}, {@code currentBeta} = β_t = 1 − α_t (of the strided step)
 *   <li>{@code predictedOriginal} = x̂_0 = (x_t − √(1 − ᾱ_t)·ε)/√ᾱ_t
 *   <li>μ̃_t = √ᾱ_{t−1}·β_t/(1 − ᾱ_t)·x̂_0 + √α_t·(1 − ᾱ_{t−1})/(1 − ᾱ_t)·x_t (eq. 7)
 *   <li>β̃_t = (1 − ᾱ_{t−1})/(1 − ᾱ_t)·β_t, the posterior variance (eq. 7); x_{t−1} = μ̃_t + √β̃_t·z for t > 0
 * </ul>
 */
public final class DdpmScheduler extends VariancePreservingScheduler {
    /** diffusers clamps β̃_t from below so that √β̃_t stays finite in low precision. */
    private static final float MIN_VARIANCE = 1e-20f;

    public DdpmScheduler(SchedulerConfig config) {
        super(config);
    }

    @Override
    protected float[] prepareRun(int n) {
        return integerTimesteps(config.timestepSpacingOr(TimestepSpacing.LEADING), n);
    }

    @Override
    public StepResult step(NDArray modelOutput, int stepIndex, NDArray sample, NoiseSource noise) {
        // 1. compute alphas, betas of the strided step t → t − ⌊T/n⌋
        int t = trainTimestep(checkStep(stepIndex));
        int prevT = previousTimestep(t);
        float alphaProd = schedule.alphaCumprod(t);
        float alphaProdPrev = prevT >= 0 ? schedule.alphaCumprod(prevT) : 1f;
        float betaProd = 1f - alphaProd;
        float betaProdPrev = 1f - alphaProdPrev;
        float currentAlpha = alphaProd / alphaProdPrev;
        float currentBeta = 1f - currentAlpha;

        // 2. coefficients of x̂_0 and x_t in the posterior mean μ̃_t (eq. 7)
        float originalCoeff = ((float) Math.sqrt(alphaProdPrev) * currentBeta) / betaProd;
        float sampleCoeff = (float) Math.sqrt(currentAlpha) * betaProdPrev / betaProd;

        try (StepScope scope = StepScope.open(sample, modelOutput)) {
            // 3. compute predicted original sample x̂_0 from predicted noise (eq. 15)
            NDArray predictedOriginal = sample.sub(modelOutput.mul((float) Math.sqrt(betaProd)))
                    .div((float) Math.sqrt(alphaProd)); // (B, C, h, w)

            // 4. clip x̂_0
            if (config.clipSample()) {
                float range = (float) config.clipSampleRange();
                predictedOriginal = predictedOriginal.clip(-range, range);
            }

            // 5. compute the posterior mean μ̃_t
            NDArray prevSample = predictedOriginal.mul(originalCoeff).add(sample.mul(sampleCoeff)); // (B, C, h, w)

            // 6. add √β̃_t·z; the last step (t = 0) returns the mean
            if (t > 0) {
                float variance = Math.max(betaProdPrev / betaProd * currentBeta, MIN_VARIANCE);
                NDArray z = scope.borrow(noise.next(sample.getShape(), scope.manager()));
                prevSample = prevSample.add(z.mul((float) Math.sqrt(variance)));
            }
            return new StepResult(scope.keep(prevSample), scope.keep(predictedOriginal));
        }
    }
}
