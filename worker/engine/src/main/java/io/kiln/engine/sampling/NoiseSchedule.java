package io.kiln.engine.sampling;

/**
 * The training noise schedule of a DDPM-family model, as float32 tables on the host indexed by the training timestep
 * t = 0 … T−1: the variances β_t, α_t = 1 − β_t, their running product ᾱ_t = ∏_{s≤t} α_s (diffusers'
 * {@code alphas_cumprod}), and the variance-exploding noise level σ_t = √((1 − ᾱ_t)/ᾱ_t) of the Euler family.
 *
 * <p>The tables equal diffusers' bit for bit: β comes from {@code torch.linspace} in float32, which this class
 * reproduces lane by lane (see {@link #torchLinspace}), and ᾱ from {@code torch.cumprod}, whose CPU kernel multiplies
 * in double and rounds each partial product to float32. Samplers read single entries per step; the tables are never
 * copied to the device.
 */
public final class NoiseSchedule {
    /** Lanes of libtorch's AVX2 float vector, and the points its kernels fill per loop iteration (two vectors). */
    private static final int LANES = 8;

    private static final int POINTS_PER_ITERATION = 2 * LANES;

    private final float[] betas;
    private final float[] alphas;
    private final float[] alphasCumprod;
    private final float[] sigmas;

    private NoiseSchedule(float[] betas) {
        int steps = betas.length;
        this.betas = betas;
        this.alphas = new float[steps];
        this.alphasCumprod = new float[steps];
        this.sigmas = new float[steps];
        double product = 1;
        for (int t = 0; t < steps; t++) {
            alphas[t] = 1f - betas[t];
            product *= alphas[t];
            alphasCumprod[t] = (float) product;
            sigmas[t] = (float) Math.sqrt((1f - alphasCumprod[t]) / alphasCumprod[t]);
        }
    }

    /** The schedule a config describes. */
    public static NoiseSchedule of(SchedulerConfig config) {
        int steps = config.numTrainTimesteps();
        return switch (config.betaSchedule()) {
            case LINEAR ->
                new NoiseSchedule(torchLinspace((float) config.betaStart(), (float) config.betaEnd(), steps));
            case SCALED_LINEAR -> {
                float[] roots = torchLinspace(
                        (float) Math.sqrt(config.betaStart()), (float) Math.sqrt(config.betaEnd()), steps);
                for (int t = 0; t < steps; t++) {
                    roots[t] *= roots[t];
                }
                yield new NoiseSchedule(roots);
            }
        };
    }

    /** T, the number of training timesteps. */
    public int trainSteps() {
        return betas.length;
    }

    /** ᾱ_t, the fraction of signal variance left at training timestep t. */
    public float alphaCumprod(int t) {
        return alphasCumprod[t];
    }

    /** σ_t = √((1 − ᾱ_t)/ᾱ_t), the noise-to-signal ratio at training timestep t. */
    public float sigma(int t) {
        return sigmas[t];
    }

    /** A copy of β_0 … β_{T−1}. */
    public float[] betas() {
        return betas.clone();
    }

    /** A copy of α_0 … α_{T−1}. */
    public float[] alphas() {
        return alphas.clone();
    }

    /** A copy of ᾱ_0 … ᾱ_{T−1}. */
    public float[] alphasCumprod() {
        return alphasCumprod.clone();
    }

    /** A copy of σ_0 … σ_{T−1}. */
    public float[] sigmas() {
        return sigmas.clone();
    }

    /**
     * σ at (possibly fractional) timesteps, linearly interpolated between training timesteps in double and rounded
     * to float32, as diffusers' {@code np.interp(timesteps, arange(T), sigmas)}.
     */
    float[] sigmasAt(float[] timesteps) {
        float[] result = new float[timesteps.length];
        int last = sigmas.length - 1;
        for (int i = 0; i < timesteps.length; i++) {
            double t = timesteps[i];
            if (t <= 0) {
                result[i] = sigmas[0];
            } else if (t >= last) {
                result[i] = sigmas[last];
            } else {
                int below = (int) Math.floor(t);
                double slope = (double) sigmas[below + 1] - sigmas[below];
                result[i] = t == below ? sigmas[below] : (float) (slope * (t - below) + sigmas[below]);
            }
        }
        return result;
    }

    /**
     * {@code torch.linspace(start, end, n, dtype=float32)} as libtorch's CPU kernel computes it. The first half of the
     * points counts up from {@code start}, the second half down from {@code end}, with {@code step = (end − start) /
     * (n − 1)} in float. The kernel fills two 8-lane vectors per iteration: each vector starts from a base point
     * computed for its first lane, and every value is one fused multiply-add (what the AVX2 build compiles
     * {@code base + lane·step} to); the last n mod 16 points are computed one by one. Plain {@code start + i·step}
     * differs in the last bit for about a quarter of SD's β.
     */
    static float[] torchLinspace(float start, float end, int n) {
        float step = (end - start) / (n - 1);
        int half = n / 2;
        int vectorized = n - n % POINTS_PER_ITERATION;
        float[] values = new float[n];
        for (int i = 0; i < n; i++) {
            int lane = i < vectorized ? i % LANES : 0;
            int first = i - lane;
            float base = first < half ? Math.fma(step, first, start) : Math.fma(-step, n - first - 1, end);
            values[i] = Math.fma(lane, step, base);
        }
        return values;
    }
}
