package io.kiln.engine.sampling;

import ai.djl.ndarray.NDArray;

/**
 * A noise scheduler (sampler) with the diffusers contract: it picks the timesteps of an n-step run, scales the UNet
 * input, and turns the UNet's noise prediction ε into the next, less noisy sample. The denoising loop reads:
 *
 * <pre>{@code
 * scheduler.setTimesteps(n);
 * x = x_T · initNoiseSigma();
 * for (int i = 0; i < scheduler.timesteps().length; i++) {
 *     eps = unet(scheduler.scaleModelInput(x, i), scheduler.timestep(i), text);
 *     x = scheduler.step(eps, i, x, noise).prevSample();
 * }
 * }</pre>
 *
 * <p>Steps are addressed by their index into {@link #timesteps()}, not by timestep value: the Euler family's timesteps
 * are fractional and PLMS repeats one, so an index is the only unambiguous key. Samples are batches (B, C, h, w) whose
 * rows all sit at the same timestep; every coefficient is a scalar computed on the host from float32 tables, and only
 * the elementwise updates run on the device.
 *
 * <p>One instance serves one run (one batch): multistep schedulers (PLMS, DPM-Solver++) keep the previous steps' model
 * outputs, so steps must run in order, and {@link #setTimesteps} starts a new run. Instances are not thread-safe.
 * {@link #close()} frees the history a multistep scheduler holds.
 */
public interface Scheduler extends AutoCloseable {
    /**
     * Prepares an n-step run, forgetting any previous one, and returns its timesteps, largest first. Most schedulers
     * return n of them; PLMS returns n + 1 for n > 1 (its first step is provisional and is evaluated again).
     */
    float[] setTimesteps(int numInferenceSteps);

    /** The timesteps of the run, largest first (a copy); integers for all but the Euler family. */
    float[] timesteps();

    /** The timestep of step {@code stepIndex}, as the UNet is to be conditioned on it. */
    float timestep(int stepIndex);

    /** The n given to {@link #setTimesteps}. */
    int numInferenceSteps();

    /** The standard deviation of the initial latent noise: x_T = N(0, I) · this. */
    double initNoiseSigma();

    /**
     * The UNet input for step {@code stepIndex}, (B, C, h, w); {@code sample} itself where the scheduler does not
     * rescale.
     */
    NDArray scaleModelInput(NDArray sample, int stepIndex);

    /**
     * One denoising step from the sample at {@link #timestep timestep(stepIndex)} to the next timestep.
     *
     * @param modelOutput ε, the UNet's noise prediction for {@code sample}, (B, C, h, w)
     * @param sample the current sample x_t, (B, C, h, w)
     * @param noise fresh noise for the stochastic samplers; deterministic ones never call it
     * @return x_{t−1} and the predicted x_0, in {@code sample}'s manager; the scheduler frees its temporaries
     */
    StepResult step(NDArray modelOutput, int stepIndex, NDArray sample, NoiseSource noise);

    /**
     * Noises a clean sample to the noise level of step {@code stepIndex} (the forward process q(x_t | x_0)), as
     * img2img does to its encoded image: √ᾱ_t·x_0 + √(1 − ᾱ_t)·ε, or x_0 + σ·ε for the Euler family.
     *
     * @param original x_0, (B, C, h, w)
     * @param noise ε ~ N(0, I), (B, C, h, w)
     * @return x_t in {@code original}'s manager
     */
    NDArray addNoise(NDArray original, NDArray noise, int stepIndex);

    /**
     * The first step an img2img run of strength s executes (diffusers' {@code get_timesteps}): it skips the first
     * n − min(⌊n·s⌋, n) steps of n and starts from the input image noised to that step's level. Run steps from the
     * returned index to the end of {@link #timesteps()}. (diffusers multiplies the skip by the scheduler's
     * {@code order}, which is 1 for every scheduler here.)
     *
     * @throws IllegalArgumentException when s is outside (0, 1] or so small that no step would run
     */
    default int startIndexForStrength(double strength) {
        if (!(strength > 0 && strength <= 1)) {
            throw new IllegalArgumentException("strength must lie in (0, 1], got " + strength);
        }
        int n = numInferenceSteps();
        int start = Math.max(n - Math.min((int) (n * strength), n), 0);
        if (start >= timesteps().length) {
            throw new IllegalArgumentException(
                    "strength " + strength + " runs no step of " + n + "; raise the strength or the step count");
        }
        return start;
    }

    /** Frees the state a run keeps; the default holds none. */
    @Override
    default void close() {}
}
