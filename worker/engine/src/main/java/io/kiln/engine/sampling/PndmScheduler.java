package io.kiln.engine.sampling;

import ai.djl.ndarray.NDArray;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * PLMS, the pseudo linear multistep sampler (Liu, Ren, Lin and Zhao 2022, "Pseudo Numerical Methods for Diffusion
 * Models on Manifolds"), as diffusers' {@code PNDMScheduler} with {@code skip_prk_steps}, the way SD 1.x ships it
 * (request name "plms"). Each step moves x_t to x_{t−δ} with the paper's transfer φ (formula 9), fed with a linear
 * multistep (Adams–Bashforth) combination ε' of the last four noise predictions instead of the current one.
 *
 * <p>The Runge–Kutta warm-up is replaced, as in diffusers, by one provisional step: call 0 takes a plain φ step from
 * t_0 to t_1 with ε(t_0); call 1 evaluates the model there and redoes that step from the saved x_{t_0} with the mean of
 * both predictions (Heun's method). The timestep list therefore repeats t_1, and an n-step run makes n + 1 model
 * calls. The warm-up is keyed on the number of calls since {@link #setTimesteps}, not on the step index, so an img2img
 * run that starts mid-list warms up again from its first step exactly as diffusers does. The sliced list lacks the
 * repeat, so from the third call on diffusers treats the sample as one stride less noisy than it is; that is
 * reproduced for parity.
 *
 * <p>Symbols, with δ = ⌊T/n⌋:
 *
 * <ul>
 *   <li>{@code alphaProd} = ᾱ_t, {@code alphaProdPrev} = ᾱ_{t−δ} (ᾱ_0, or 1 with {@code set_alpha_to_one}, past
 *       t = 0), {@code betaProd} = 1 − ᾱ_t, {@code betaProdPrev} = 1 − ᾱ_{t−δ}
 *   <li>{@code ets} = ε_θ of the previous steps, newest last (e_t, e_{t+δ}, …); ε' = (55e_t − 59e_{t+δ} + 37e_{t+2δ}
 *       − 9e_{t+3δ})/24 once four exist, lower-order Adams–Bashforth before
 *   <li>φ(x_t, ε', t, t−δ) = √(ᾱ_{t−δ}/ᾱ_t)·x_t − (ᾱ_{t−δ} − ᾱ_t)·ε' / (ᾱ_t·√(1 − ᾱ_{t−δ}) + √(ᾱ_t·(1 − ᾱ_t)·ᾱ_{t−δ}))
 * </ul>
 *
 * <p>Stateful: one instance serves one run; it keeps copies of the last four ε and of the provisional step's start.
 */
public final class PndmScheduler extends VariancePreservingScheduler {
    /** Adams–Bashforth order 4 needs the last four noise predictions. */
    private static final int HISTORY = 4;

    private final float finalAlphaCumprod;
    private final StepHistory history = new StepHistory();
    private final Deque<NDArray> ets = new ArrayDeque<>();
    private NDArray provisionalStart;
    private int calls;

    public PndmScheduler(SchedulerConfig config) {
        super(config);
        this.finalAlphaCumprod = config.setAlphaToOneOr(false) ? 1f : schedule.alphaCumprod(0);
    }

    /** The n timesteps t_0 > … > t_{n−1} with t_1 repeated for the provisional step: n + 1 of them when n > 1. */
    @Override
    protected float[] prepareRun(int n) {
        forgetRun();
        float[] plain = integerTimesteps(config.timestepSpacingOr(TimestepSpacing.LEADING), n);
        if (n == 1) {
            return plain;
        }
        float[] withRepeat = new float[n + 1];
        withRepeat[0] = plain[0];
        System.arraycopy(plain, 1, withRepeat, 2, n - 1);
        withRepeat[1] = plain[1];
        return withRepeat;
    }

    @Override
    public StepResult step(NDArray modelOutput, int stepIndex, NDArray sample, NoiseSource noise) {
        history.advance(checkStep(stepIndex));
        int stride = config.numTrainTimesteps() / numInferenceSteps();

        // 1. get the step's timesteps: t → t − δ, but the correcting call 1 redoes t_0 → t_1 (t_1 = t_0 − δ)
        int t = trainTimestep(stepIndex);
        int prevT = t - stride;
        if (calls == 1) {
            prevT = t;
            t += stride;
        }

        try (StepScope scope = StepScope.open(sample, modelOutput)) {
            // 2. remember ε_θ(x_t) (the correcting call's prediction is only averaged, never kept)
            if (calls != 1) {
                if (ets.size() == HISTORY) {
                    ets.removeFirst().close();
                }
                ets.addLast(scope.keepIn(history.manager(sample), modelOutput.duplicate()));
            }
            List<NDArray> e = new ArrayList<>(ets);
            e.forEach(scope::borrow);
            NDArray newest = e.get(e.size() - 1);

            // 3. combine the predictions: ε' (Adams–Bashforth of the available order)
            NDArray start = sample;
            NDArray combined; // (B, C, h, w)
            if (calls == 0) {
                combined = modelOutput;
                provisionalStart = scope.keepIn(history.manager(sample), sample.duplicate());
            } else if (calls == 1) {
                combined = modelOutput.add(newest).div(2f);
                start = scope.release(provisionalStart);
                provisionalStart = null;
            } else if (e.size() == 2) {
                combined = newest.mul(3f).sub(e.get(0)).div(2f);
            } else if (e.size() == 3) {
                combined = newest.mul(23f)
                        .sub(e.get(1).mul(16f))
                        .add(e.get(0).mul(5f))
                        .div(12f);
            } else {
                combined = newest.mul(55f)
                        .sub(e.get(2).mul(59f))
                        .add(e.get(1).mul(37f))
                        .sub(e.get(0).mul(9f))
                        .mul((float) (1.0 / 24));
            }
            calls++;

            // 4. transfer x_t → x_{t−δ} with φ (formula 9)
            return new StepResult(scope.keep(transfer(start, t, prevT, combined)), null);
        }
    }

    private NDArray transfer(NDArray sample, int t, int prevT, NDArray combinedEps) {
        float alphaProd = schedule.alphaCumprod(t);
        float alphaProdPrev = prevT >= 0 ? schedule.alphaCumprod(prevT) : finalAlphaCumprod;
        float betaProd = 1f - alphaProd;
        float betaProdPrev = 1f - alphaProdPrev;
        float sampleCoeff = (float) Math.sqrt(alphaProdPrev / alphaProd);
        float denominator =
                alphaProd * (float) Math.sqrt(betaProdPrev) + (float) Math.sqrt(alphaProd * betaProd * alphaProdPrev);
        return sample.mul(sampleCoeff)
                .sub(combinedEps.mul(alphaProdPrev - alphaProd).div(denominator)); // (B, C, h, w)
    }

    /** Frees the kept predictions and the provisional step's start. */
    @Override
    public void close() {
        forgetRun();
    }

    private void forgetRun() {
        history.clear();
        ets.clear();
        provisionalStart = null;
        calls = 0;
    }
}
