package io.kiln.engine.sampling;

import ai.djl.ndarray.NDArray;

/**
 * The Euler method on the probability-flow ODE dx/dσ = (x − x̂_0)/σ (Karras, Aittala, Aila and Laine 2022,
 * "Elucidating the Design Space of Diffusion-Based Generative Models", Algorithm 2 without churn, i.e. γ = 0: one
 * first-order step per model call), as diffusers' {@code EulerDiscreteScheduler}. Deterministic.
 *
 * <p>Symbols (Algorithm 2), in the variance-exploding variable x = x_0 + σ·ε:
 *
 * <ul>
 *   <li>{@code sigma} = σ_i = σ(t_i), {@code sigmaNext} = σ_{i+1} (0 after the last step)
 *   <li>{@code modelOutput} = ε_θ(x/√(σ² + 1), t_i); {@code predictedOriginal} = x̂_0 = x − σ_i·ε
 *   <li>{@code derivative} = d_i = (x − x̂_0)/σ_i; x_{i+1} = x + (σ_{i+1} − σ_i)·d_i
 * </ul>
 */
public final class EulerDiscreteScheduler extends VarianceExplodingScheduler {
    public EulerDiscreteScheduler(SchedulerConfig config) {
        super(config);
    }

    @Override
    public StepResult step(NDArray modelOutput, int stepIndex, NDArray sample, NoiseSource noise) {
        float sigma = sigma(checkStep(stepIndex));
        float dt = sigma(stepIndex + 1) - sigma;
        try (StepScope scope = StepScope.open(sample, modelOutput)) {
            // 1. compute predicted original sample x̂_0 from the σ-scaled predicted noise
            NDArray predictedOriginal = sample.sub(modelOutput.mul(sigma)); // (B, C, h, w)

            // 2. convert to an ODE derivative d = (x − x̂_0)/σ
            NDArray derivative = sample.sub(predictedOriginal).div(sigma);

            // 3. take the Euler step to σ_{i+1}
            NDArray prevSample = sample.add(derivative.mul(dt));
            return new StepResult(scope.keep(prevSample), scope.keep(predictedOriginal));
        }
    }
}
