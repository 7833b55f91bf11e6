package io.kiln.worker.pipeline;

import io.kiln.worker.sampling.Sampler;
import io.kiln.worker.sampling.Scheduler;
import io.kiln.worker.sampling.SchedulerConfig;

/**
 * What jobs must share to denoise in one batch: the latent size, one scheduler run (sampler, steps, η) and the step
 * it starts at (0 for txt2img, later for img2img). Prompts, guidance scales and seeds may differ.
 */
public record CompatibilityKey(int width, int height, Sampler sampler, int steps, double eta, int startStep) {

    /** The key of {@code job} under the model's noise schedule. */
    public static CompatibilityKey of(GenerationJob job, SchedulerConfig schedule) {
        int start = 0;
        if (job.isImg2img()) {
            try (Scheduler scheduler = job.sampler().create(schedule, job.eta())) {
                scheduler.setTimesteps(job.steps());
                start = scheduler.startIndexForStrength(job.strength());
            }
        }
        return new CompatibilityKey(job.width(), job.height(), job.sampler(), job.steps(), job.eta(), start);
    }
}
