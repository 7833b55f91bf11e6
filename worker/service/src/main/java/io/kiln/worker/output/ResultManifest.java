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
 * @param requestSha256 {@code request_sha256}: the SHA-256 (lower-case hex) of the request record's value the job
 *     ran for; null in manifests written before it was recorded. A job id alone can name two requests: an id-less
 *     request is named after its place in the log, which a topic deleted and created again gives out anew.
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ResultManifest(
        String jobId,
        List<StoredImage> images,
        int batchSize,
        JobEvent.Succeeded.Timings timings,
        Instant completedAt,
        String worker,
        String requestSha256) {

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

    /**
     * Whether this is the result of the request whose value hashes to {@code requestSha256}; a manifest that does not
     * say is taken to be, as it was before requests were recorded.
     */
    public boolean answers(String requestSha256) {
        return this.requestSha256 == null || this.requestSha256.equals(requestSha256);
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
