package io.kiln.jobs;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.Mode;
import io.kiln.engine.pipeline.CompatibilityKey;
import io.kiln.engine.pipeline.GenerationJob;
import io.kiln.engine.pipeline.ImageSize;
import io.kiln.engine.pipeline.Img2img;
import io.kiln.engine.pipeline.Prompt;
import io.kiln.engine.pipeline.Sampling;
import io.kiln.engine.sampling.SchedulerConfig;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * A request with every default filled in from the served model: the engine's job, but for an img2img job's start
 * image, whose pixels are read later (from S3, or from a file).
 *
 * @param request the request as it came, with its job id and seed assigned; its prompts, deadline and init image
 */
public record ResolvedJob(GenerationRequest request, ImageSize size, Sampling sampling) {
    public ResolvedJob {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(size, "size");
        Objects.requireNonNull(sampling, "sampling");
        if (request.jobId() == null || request.seed() == null) {
            throw new IllegalArgumentException("a resolved request has its job id and seed assigned");
        }
    }

    public String jobId() {
        return request.jobId();
    }

    public long seed() {
        return request.seed();
    }

    public int images() {
        return request.numImages();
    }

    public Prompt prompt() {
        return new Prompt(request.prompt(), request.negativePrompt(), request.guidanceScale());
    }

    /** The img2img strength a request of that mode asks for; empty for txt2img. */
    public OptionalDouble img2imgStrength() {
        return request.mode() == Mode.IMG2IMG ? OptionalDouble.of(request.strength()) : OptionalDouble.empty();
    }

    /** The job as text-to-image. */
    public GenerationJob txt2img() {
        return GenerationJob.txt2img(jobId(), prompt(), size, sampling, seed(), images());
    }

    /** The job as image-to-image from {@code start}, whose image is at {@link #size()}. */
    public GenerationJob img2img(Img2img start) {
        return GenerationJob.img2img(jobId(), prompt(), start, sampling, seed(), images());
    }

    /** What jobs must share with this one to run in its batch. */
    public CompatibilityKey compatibility(SchedulerConfig schedule) {
        return CompatibilityKey.of(size, sampling, img2imgStrength(), schedule);
    }
}
