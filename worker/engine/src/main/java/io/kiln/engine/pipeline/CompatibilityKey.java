package io.kiln.engine.pipeline;

import io.kiln.engine.sampling.Scheduler;
import io.kiln.engine.sampling.SchedulerConfig;
import java.util.OptionalDouble;

/**
 * What jobs must share to denoise in one batch: the latent size, one scheduler run and the step it starts at (0 for
 * txt2img, later for img2img). Prompts, guidance scales and seeds may differ.
 */
public record CompatibilityKey(ImageSize size, Sampling sampling, int startStep) {

    /** The key of {@code job} under the model's noise schedule. */
    public static CompatibilityKey of(GenerationJob job, SchedulerConfig schedule) {
        OptionalDouble strength =
                job.img2img().map(start -> OptionalDouble.of(start.strength())).orElse(OptionalDouble.empty());
        return of(job.size(), job.sampling(), strength, schedule);
    }

    /**
     * The key of a job not built yet, such as a request whose init image is still in S3.
     *
     * @param img2imgStrength the img2img strength; empty for txt2img
     */
    public static CompatibilityKey of(
            ImageSize size, Sampling sampling, OptionalDouble img2imgStrength, SchedulerConfig schedule) {
        int start = 0;
        if (img2imgStrength.isPresent()) {
            try (Scheduler scheduler = sampling.sampler().create(schedule, sampling.eta())) {
                scheduler.setTimesteps(sampling.steps());
                start = scheduler.startIndexForStrength(img2imgStrength.getAsDouble());
            }
        }
        return new CompatibilityKey(size, sampling, start);
    }
}
