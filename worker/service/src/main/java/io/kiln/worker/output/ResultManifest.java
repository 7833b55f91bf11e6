package io.kiln.worker.output;

import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JsonCodec;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A job's {@code result.json}, written after all of its PNGs: its presence proves the job is done, so a worker that
 * gets the job again (after a crash before its offset was committed) reports the stored result instead of rendering
 * it twice. JSON with snake_case names.
 *
 * @param jobId {@code job_id}: the job
 * @param images one per requested image, in order
 * @param batchSize {@code batch_size}: how many images the GPU denoised together in the job's batch, its own included
 * @param timings where the job's time went
 * @param completedAt {@code completed_at}: when the last PNG was stored
 * @param worker the id of the worker that ran the job
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ResultManifest(
        String jobId,
        List<StoredImage> images,
        int batchSize,
        JobEvent.Succeeded.Timings timings,
        Instant completedAt,
        String worker) {

    public ResultManifest {
        Objects.requireNonNull(jobId, "jobId");
        images = List.copyOf(Objects.requireNonNull(images, "images"));
        Objects.requireNonNull(timings, "timings");
        Objects.requireNonNull(completedAt, "completedAt");
        Objects.requireNonNull(worker, "worker");
        if (images.isEmpty()) {
            throw new IllegalArgumentException("the manifest of job " + jobId + " lists no image");
        }
        if (batchSize < images.size()) {
            throw new IllegalArgumentException(
                    "batch size " + batchSize + " of job " + jobId + " is below its image count " + images.size());
        }
    }

    /** UTF-8 JSON. */
    public byte[] toJson() {
        return JsonCodec.mapper().writeValueAsBytes(this);
    }

    /**
     * Reads what {@link #toJson()} wrote; fields it does not know are ignored.
     *
     * @throws JacksonException if {@code json} is malformed or not a valid manifest
     */
    public static ResultManifest fromJson(byte[] json) {
        return JsonCodec.mapper().readValue(json, ResultManifest.class);
    }
}
