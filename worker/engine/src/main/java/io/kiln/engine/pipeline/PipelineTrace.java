package io.kiln.engine.pipeline;

import ai.djl.ndarray.NDArray;

/**
 * The intermediate tensors of a run, for comparing each phase with the reference implementation's. The arrays are
 * the pipeline's own and valid only during the call: copy what must outlive it.
 */
public interface PipelineTrace {
    PipelineTrace NONE = new PipelineTrace() {};

    /** The text context (2B, T, D), rows [uncond_1..B; cond_1..B]; (B, T, D) of cond rows without guidance. */
    default void promptEmbeddings(NDArray context) {}

    /** The latents the loop starts from (B, 4, h, w). */
    default void startLatents(NDArray latents) {}

    /** The raw UNet output of call {@code call} (2B or B, 4, h, w), before guidance. */
    default void unetOutput(int call, NDArray noise) {}

    /** The latents after step {@code call} (B, 4, h, w). */
    default void latents(int call, NDArray latents) {}

    /** The decoded images (B, H, W, 3) in [0, 1], before 8-bit quantisation. */
    default void image(NDArray image) {}
}
