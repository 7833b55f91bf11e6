package io.kiln.worker.runtime;

import io.kiln.contracts.GenerationRequest;
import io.kiln.engine.image.RgbImage;
import io.kiln.engine.pipeline.GenerationJob;
import io.kiln.engine.pipeline.ImageSize;
import io.kiln.engine.pipeline.Img2img;
import io.kiln.jobs.ResolvedJob;
import java.time.Instant;
import java.util.Optional;

/** A request as this worker runs it: resolved against the loaded model, and the batch it may join. */
record JobSpec(ResolvedJob resolved, BatchKey key) {

    String jobId() {
        return resolved.jobId();
    }

    GenerationRequest request() {
        return resolved.request();
    }

    int images() {
        return resolved.images();
    }

    ImageSize size() {
        return resolved.size();
    }

    Optional<Instant> deadline() {
        return Optional.ofNullable(request().deadline());
    }

    /** The job for the pipeline; {@code initImage} is the img2img start image, already at {@link #size()}. */
    GenerationJob toGenerationJob(Optional<RgbImage> initImage) {
        return initImage
                .map(image -> resolved.img2img(new Img2img(image, request().strength())))
                .orElseGet(resolved::txt2img);
    }
}
