package io.kiln.engine.pipeline;

/**
 * Asked by the pipeline between two denoising steps whether its batch goes on. A worker says stop when every job of the
 * batch was cancelled, or when shutdown has no time left for it; the remaining steps and the decoding then never run.
 */
@FunctionalInterface
public interface StepBoundary {
    /** Never stops: the batch runs to its end. */
    StepBoundary NEVER = (done, total) -> true;

    /** Whether to go on after step {@code done} of {@code total} (1-based), before any job hears of that step. */
    boolean proceed(int done, int total);
}
