package io.kiln.engine.pipeline;

/** Told after every denoising step of every job in a batch: the worker's progress events, the CLI's bar. */
@FunctionalInterface
public interface ProgressListener {
    ProgressListener NONE = (jobId, step, total) -> {};

    /** Step {@code step} of {@code total} (1-based) of job {@code jobId} is done. */
    void stepDone(String jobId, int step, int total);
}
