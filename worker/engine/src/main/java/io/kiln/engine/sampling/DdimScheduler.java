package io.kiln.engine.sampling;

import ai.djl.ndarray.NDArray;

/**
 * DDIM, the denoising diffusion implicit model sampler (Song, Meng and Ermon 2020, "Denoising Diffusion Implicit
 * Models", eq. 12), as diffusers' {@code DDIMScheduler}. With η = 0 (what SD's "ddim" means) the step is deterministic;
 * η = 1 recovers DDPM's posterior variance and draws fresh noise every step.
 *
 * <p>Symbols (eq. 12), with t the step's timestep and t−1 = t − ⌊T/n⌋ the next one:
 *
 * <ul>
 *   <li>{@code alphaProd} = ᾱ_t (the paper's α_t), {@code alphaProdPrev} = ᾱ_{t−1}, or the final ᾱ past t = 0
 *       (1 with {@code set_alpha_to_one}, else ᾱ_0)
 *   <li>{@code betaProd} = 1 − ᾱ_t
 *   <li>{@code modelOutput} = ε_θ(x_t), {@code sample} = x_t
 *   <li>{@code predictedOriginal} = x̂_0 = (x_t − √(1 − ᾱ_t)·ε) / √ᾱ_t, "predicted x_0"
 *   <li>{@code std} = σ_t = η·√((1 − ᾱ_{t−1})/(1 − ᾱ_t))·√(1 − ᾱ_t/ᾱ_{t−1}) (eq. 16)
 *   <li>{@code direction} = √(1 − ᾱ_{t−1} − σ_t²)·ε, "direction pointing to x_t"
 *   <li>x_{t−1} = √ᾱ_{t−1}·x̂_0 + direction + σ_t·z, z ~ N(0, I)
 * </ul>
 */
public final class DdimScheduler extends VariancePreservingScheduler {
    private final float eta;
    private final float finalAlphaCumprod;

    /**
     * @param eta η ≥ 0, the share of DDPM's stochasticity: 0 deterministic, 1 DDPM-like
     */
    public DdimScheduler(SchedulerConfig config, double eta) {
        super(config);
        if (!(eta >= 0)) {
            throw new IllegalArgumentException("eta must be ≥ 0, got " + eta);
        }
        this.eta = (float) eta;
        this.finalAlphaCumprod = config.setAlphaToOneOr(true) ? 1f : schedule.alphaCumprod(0);
    }

    @Override
    protected float[] prepareRun(int n) {
        return integerTimesteps(config.timestepSpacingOr(TimestepSpacing.LEADING), n);
    }

    @Override
    public StepResult step(NDArray modelOutput, int stepIndex, NDArray sample, NoiseSource noise) {
        // 1. get previous step value (= t − T/n)
        int t = trainTimestep(checkStep(stepIndex));
        int prevT = previousTimestep(t);

        // 2. compute alphas, betas
        float alphaProd = schedule.alphaCumprod(t);
        float alphaProdPrev = prevT >= 0 ? schedule.alphaCumprod(prevT) : finalAlphaCumprod;
        float betaProd = 1f - alphaProd;
        float betaProdPrev = 1f - alphaProdPrev;

        // 3. compute variance σ_t(η) (eq. 16)
        float variance = (betaProdPrev / betaProd) * (1f - alphaProd / alphaProdPrev);
        float std = eta * (float) Math.sqrt(variance);

        try (StepScope scope = StepScope.open(sample, modelOutput)) {
            // 4. compute predicted original sample from predicted noise, "predicted x_0" of eq. 12
            NDArray predictedOriginal = sample.sub(modelOutput.mul((float) Math.sqrt(betaProd)))
                    .div((float) Math.sqrt(alphaProd)); // (B, C, h, w)

            // 5. clip "predicted x_0"
            if (config.clipSample()) {
                float range = (float) config.clipSampleRange();
                predictedOriginal = predictedOriginal.clip(-range, range);
            }

            // 6. compute "direction pointing to x_t" of eq. 12
            NDArray direction = modelOutput.mul((float) Math.sqrt(1f - alphaProdPrev - std * std));

            // 7. compute x_{t−1} of eq. 12 without the random noise
            NDArray prevSample =
                    predictedOriginal.mul((float) Math.sqrt(alphaProdPrev)).add(direction);

            // 8. add σ_t·z, the random noise of eq. 12
            if (eta > 0) {
                NDArray z = scope.borrow(noise.next(sample.getShape(), scope.manager()));
                prevSample = prevSample.add(z.mul(std));
            }
            return new StepResult(scope.keep(prevSample), scope.keep(predictedOriginal));
        }
    }
}
