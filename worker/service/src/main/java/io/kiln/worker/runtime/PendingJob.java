package io.kiln.worker.runtime;

import io.kiln.engine.image.RgbImage;
import io.kiln.worker.kafka.JobRecord;
import io.kiln.worker.output.ResultManifest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A job the worker has taken and not yet settled.
 *
 * @param priorResult the manifest of an earlier run of the job, looked up while it waits (see {@link PriorRuns})
 * @param initImage an img2img job's start image, read while it waits (see {@link InitImages}); empty for txt2img
 * @param tenure the worker's ownership of the job's partition when it was taken; the job is another worker's once
 *     that is over
 */
record PendingJob(
        JobRecord record,
        JobSpec spec,
        CompletableFuture<Optional<ResultManifest>> priorResult,
        CompletableFuture<Optional<RgbImage>> initImage,
        Tenure tenure) {}
