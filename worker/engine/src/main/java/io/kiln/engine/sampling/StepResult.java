package io.kiln.engine.sampling;

import ai.djl.ndarray.NDArray;
import java.util.Objects;

/**
 * What one denoising step returns; both arrays belong to the manager of the sample the step was given.
 *
 * @param prevSample x_{t−1}, the sample at the next (less noisy) timestep, (B, C, h, w)
 * @param predictedOriginal the step's estimate of the clean sample x_0, (B, C, h, w), for previews; {@code null} for
 *     schedulers that never form it (PLMS)
 */
public record StepResult(NDArray prevSample, NDArray predictedOriginal) {
    public StepResult {
        Objects.requireNonNull(prevSample, "prevSample");
    }
}
