package io.kiln.engine.sampling;

import ai.djl.ndarray.NDArray;

/**
 * Euler ancestral sampling, as diffusers' {@code EulerAncestralDiscreteScheduler} and k-diffusion's
 * {@code sample_euler_ancestral}: an Euler step of the probability-flow ODE (Karras et al. 2022, Algorithm 2) down to
 * σ_down, followed by fresh noise of standard deviation σ_up, chosen so that the sample lands at σ_{i+1} with the
 * variance of the DDPM ancestral step (Ho et al. 2020) between the two noise levels. Stochastic: every step draws z.
 *
 * <p>Symbols, in the variance-exploding variable x = x_0 + σ·ε:
 *
 * <ul>
 *   <li>{@code sigma} = σ_i, {@code sigmaTo} = σ_{i+1} (0 after the last step)
 *   <li>{@code sigmaUp} = σ_up = √(σ_{i+1}²·(σ_i² − σ_{i+1}²)/σ_i²), {@code sigmaDown} = σ_down = √(σ_{i+1}² − σ_up²)
 *   <li>{@code predictedOriginal} = x̂_0 = x − σ_i·ε; {@code derivative} = d = (x − x̂_0)/σ_i
 *   <li>x_{i+1} = x + (σ_down − σ_i)·d + σ_up·z, z ~ N(0, I)
 * </ul>
 */
public final class EulerAncestralScheduler extends VarianceExplodingScheduler {
    public EulerAncestralScheduler(SchedulerConfig config) {
        super(config);
    }

    @Override
    public StepResult step(NDArray modelOutput, int stepIndex, NDArray sample, NoiseSource noise) {
        // 1. split the step into a deterministic part down to σ_down and fresh noise σ_up
        float sigma = sigma(checkStep(stepIndex));
        float sigmaTo = sigma(stepIndex + 1);
        float sigmaUp = (float) Math.sqrt(sigmaTo * sigmaTo * (sigma * sigma - sigmaTo * sigmaTo) / (sigma * sigma));
        float sigmaDown = (float) Math.sqrt(sigmaTo * sigmaTo - sigmaUp * sigmaUp);
        float dt = sigmaDown - sigma;

        try (StepScope scope = StepScope.open(sample, modelOutput)) {
            // 2. compute predicted original sample x̂_0 from the σ-scaled predicted noise
            NDArray predictedOriginal = sample.sub(modelOutput.mul(sigma)); // (B, C, h, w)

            // 3. convert to an ODE derivative and take the Euler step to σ_down
            NDArray derivative = sample.sub(predictedOriginal).div(sigma);
            NDArray prevSample = sample.add(derivative.mul(dt));

            // 4. add the ancestral noise σ_up·z
            NDArray z = scope.borrow(noise.next(sample.getShape(), scope.manager()));
            prevSample = prevSample.add(z.mul(sigmaUp));
            return new StepResult(scope.keep(prevSample), scope.keep(predictedOriginal));
        }
    }
}
