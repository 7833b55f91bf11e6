package io.kiln.engine.sampling;

import ai.djl.ndarray.NDArray;
import java.util.Arrays;

/**
 * DPM-Solver++(2M), the second-order multistep solver of the diffusion ODE in data-prediction form (Lu, Zhou, Bao,
 * Chen, Li and Zhu 2022, "DPM-Solver++: Fast Solver for Guided Sampling of Diffusion Probabilistic Models",
 * Algorithm 2), as diffusers' {@code DPMSolverMultistepScheduler} with algorithm_type "dpmsolver++", solver_order 2,
 * solver_type "midpoint" and lower_order_final (request name "dpmpp_2m"). Deterministic.
 *
 * <p>Each step converts ε into the data prediction x̂_0 and integrates exactly in the half-log-SNR λ = log(α/σ),
 * using the previous step's x̂_0 for the second-order correction. The first step of a run has no predecessor and is
 * first order (DDIM), and so is the last one of runs shorter than 15 steps, which stabilises few-step sampling.
 *
 * <p>Symbols (Algorithm 2), for the step from s_0 = t_i to t = t_{i+1}, with s_1 = t_{i−1}:
 *
 * <ul>
 *   <li>{@code sigmas[i]} = σ_i = √((1 − ᾱ)/ᾱ) at t_i, the last one σ at t = 0 (diffusers v0.24 stops there, not at
 *       σ = 0)
 *   <li>{@code alpha} = α_t = 1/√(σ² + 1) = √ᾱ, {@code sigmaT} = σ_t = σ·α_t = √(1 − ᾱ), {@code lambda} = λ_t =
 *       log α_t − log σ_t
 *   <li>{@code dataPrediction} = x̂_0 = (x − σ_t·ε)/α_t (the model output converted, m_i in the paper)
 *   <li>h = λ_t − λ_{s0}, h_0 = λ_{s0} − λ_{s1}, r_0 = h_0/h, D_0 = m_i, D_1 = (m_i − m_{i−1})/r_0
 *   <li>first order: x_t = (σ_t/σ_{s0})·x − α_t·(e^{−h} − 1)·D_0
 *   <li>second order (midpoint): x_t = (σ_t/σ_{s0})·x − α_t·(e^{−h} − 1)·D_0 − ½·α_t·(e^{−h} − 1)·D_1
 * </ul>
 *
 * <p>Stateful: one instance serves one run; it keeps the previous step's x̂_0.
 */
public final class DpmSolverMultistepScheduler extends VariancePreservingScheduler {
    /** diffusers lowers the final step to first order for runs shorter than this. */
    private static final int LOWER_ORDER_FINAL_BELOW = 15;

    private final StepHistory history = new StepHistory();
    private float[] sigmas;
    private NDArray previousDataPrediction;

    public DpmSolverMultistepScheduler(SchedulerConfig config) {
        super(config);
    }

    /**
     * "linspace" and "leading" space n + 1 points and drop the last (nearest t = 0), as diffusers does; "trailing"
     * spaces n.
     */
    @Override
    protected float[] prepareRun(int n) {
        forgetRun();
        TimestepSpacing spacing = config.timestepSpacingOr(TimestepSpacing.LINSPACE);
        float[] timesteps = spacing == TimestepSpacing.TRAILING
                ? integerTimesteps(spacing, n)
                : Arrays.copyOf(integerTimesteps(spacing, n + 1), n);
        float[] interpolated = schedule.sigmasAt(timesteps);
        sigmas = Arrays.copyOf(interpolated, n + 1);
        sigmas[n] = schedule.sigma(0);
        return timesteps;
    }

    @Override
    public StepResult step(NDArray modelOutput, int stepIndex, NDArray sample, NoiseSource noise) {
        history.advance(checkStep(stepIndex));
        int steps = sigmas.length - 1;
        boolean lowerOrderFinal = stepIndex == steps - 1 && steps < LOWER_ORDER_FINAL_BELOW;
        boolean firstOrder = previousDataPrediction == null || lowerOrderFinal;

        // 1. noise levels of the step: α, σ and λ at s_0 (this step), t (the next) and s_1 (the previous)
        NoiseLevel s0 = level(stepIndex);
        NoiseLevel next = level(stepIndex + 1);
        float h = next.lambda - s0.lambda;
        float sampleCoeff = next.sigma / s0.sigma;
        float d0Coeff = next.alpha * ((float) Math.exp(-h) - 1f);

        try (StepScope scope = StepScope.open(sample, modelOutput)) {
            // 2. convert the model output ε to the data prediction x̂_0 = (x − σ_s0·ε)/α_s0
            NDArray dataPrediction = sample.sub(modelOutput.mul(s0.sigma)).div(s0.alpha); // (B, C, h, w)

            // 3. update x_t from D_0 = x̂_0 (first order), plus D_1 from the previous x̂_0 (second order)
            NDArray prevSample = sample.mul(sampleCoeff).sub(dataPrediction.mul(d0Coeff));
            if (!firstOrder) {
                NoiseLevel s1 = level(stepIndex - 1);
                float r0 = (s0.lambda - s1.lambda) / h;
                NDArray d1 =
                        dataPrediction.sub(scope.borrow(previousDataPrediction)).mul(1f / r0);
                prevSample = prevSample.sub(d1.mul(0.5f * d0Coeff));
            }

            // 4. keep x̂_0 for the next step's correction
            if (previousDataPrediction != null) {
                scope.release(previousDataPrediction);
            }
            previousDataPrediction = scope.keepIn(history.manager(sample), dataPrediction.duplicate());
            return new StepResult(scope.keep(prevSample), scope.keep(dataPrediction));
        }
    }

    /** σ_i, the noise level of step i; σ_n is the training σ at t = 0. */
    float sigma(int stepIndex) {
        return sigmas[stepIndex];
    }

    /** Frees the kept data prediction. */
    @Override
    public void close() {
        forgetRun();
    }

    private void forgetRun() {
        history.clear();
        previousDataPrediction = null;
    }

    /** α_t = 1/√(σ² + 1), σ_t = σ·α_t and λ_t = log α_t − log σ_t at step i, in float32 as diffusers. */
    private NoiseLevel level(int stepIndex) {
        float sigma = sigmas[stepIndex];
        float alpha = 1f / (float) Math.sqrt(sigma * sigma + 1f);
        float sigmaT = sigma * alpha;
        return new NoiseLevel(alpha, sigmaT, (float) Math.log(alpha) - (float) Math.log(sigmaT));
    }

    private record NoiseLevel(float alpha, float sigma, float lambda) {}
}
