package io.kiln.worker.runtime;

import io.kiln.contracts.GenerationRequest;
import io.kiln.engine.image.RgbImage;
import io.kiln.engine.pipeline.GenerationJob;
import io.kiln.engine.sampling.Sampler;
import java.time.Instant;
import java.util.Optional;

/**
 * A request as this worker runs it: its identity fixed and every default resolved against the loaded model.
 *
 * @param request the request as it came, for its prompts, deadline and init image
 */
record JobSpec(
        GenerationRequest request, String jobId, long seed, int width, int height, Sampler sampler, BatchKey key) {

    int images() {
        return request.numImages();
    }

    Optional<Instant> deadline() {
        return Optional.ofNullable(request.deadline());
    }

    /** The job for the pipeline; {@code initImage} is the img2img start image, already at width × height. */
    GenerationJob toGenerationJob(Optional<RgbImage> initImage) {
        GenerationJob job = GenerationJob.txt2img(
                jobId,
                request.prompt(),
                request.negativePrompt(),
                width,
                height,
                request.numInferenceSteps(),
                request.guidanceScale(),
                sampler,
                request.eta(),
                seed,
                request.numImages());
        return initImage
                .map(image -> job.withInitImage(image, request.strength()))
                .orElse(job);
    }
}
