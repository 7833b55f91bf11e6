package io.kiln.engine.pipeline;

import io.kiln.engine.sampling.Sampler;
import io.kiln.engine.sampling.Scheduler;
import io.kiln.engine.sampling.SchedulerConfig;
import java.util.OptionalDouble;

/**
 * What jobs must share to denoise in one batch: the latent size, one scheduler run (sampler, steps, η) and the step
 * it starts at (0 for txt2img, later for img2img). Prompts, guidance scales and seeds may differ.
 */
public record CompatibilityKey(int width, int height, Sampler sampler, int steps, double eta, int startStep) {

    /** The key of {@code job} under the model's noise schedule. */
    public static CompatibilityKey of(GenerationJob job, SchedulerConfig schedule) {
        OptionalDouble strength = job.isImg2img() ? OptionalDouble.of(job.strength()) : OptionalDouble.empty();
        return of(job.width(), job.height(), job.sampler(), job.steps(), job.eta(), strength, schedule);
    }

    /**
     * The key of a job not built yet, such as a request whose init image is still in S3.
     *
     * @param img2imgStrength the img2img strength; empty for txt2img
     */
    public static CompatibilityKey of(
            int width,
            int height,
            Sampler sampler,
            int steps,
            double eta,
            OptionalDouble img2imgStrength,
            SchedulerConfig schedule) {
        int start = 0;
        if (img2imgStrength.isPresent()) {
            try (Scheduler scheduler = sampler.create(schedule, eta)) {
                scheduler.setTimesteps(steps);
                start = scheduler.startIndexForStrength(img2imgStrength.getAsDouble());
            }
        }
        return new CompatibilityKey(width, height, sampler, steps, eta, start);
    }
}
