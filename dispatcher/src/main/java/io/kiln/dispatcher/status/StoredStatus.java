package io.kiln.dispatcher.status;

import io.kiln.contracts.JobStatus;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.function.Function;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What the dispatcher knows about one job: the value on the status topic, keyed by job id. Clients see its
 * {@link #view()}.
 *
 * @param jobId {@code job_id}
 * @param state where the job is; {@code status} in the view
 * @param keyName {@code key_name}: the API key that submitted it; null for a job that reached Kafka some other way,
 *     which no client can then see through the API
 * @param requestSha256 {@code request_sha256}: the hash of the request as submitted, for idempotent resubmission;
 *     null like {@code keyName}
 * @param progress the latest denoising progress of the running attempt; null before the first step
 * @param images the stored PNGs once the job succeeded; empty before
 * @param error why the job failed; null unless it failed
 * @param acceptedAt {@code accepted_at}: when Kafka took the job; null if it reached Kafka some other way
 * @param startedAt {@code started_at}: when the first attempt started; null before
 * @param finishedAt {@code finished_at}: when it succeeded, failed or was cancelled; null before
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StoredStatus(
        String jobId,
        JobStatus.Status state,
        String keyName,
        String requestSha256,
        JobStatus.Progress progress,
        List<StoredImage> images,
        JobStatus.Error error,
        Instant acceptedAt,
        Instant startedAt,
        Instant finishedAt) {

    public StoredStatus {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(state, "state");
        images = images == null ? List.of() : List.copyOf(images);
    }

    /** A job Kafka just took, not yet picked up by a worker. */
    public static StoredStatus queued(String jobId, String keyName, String requestSha256, Instant acceptedAt) {
        return new StoredStatus(
                jobId, JobStatus.Status.QUEUED, keyName, requestSha256, null, List.of(), null, acceptedAt, null, null);
    }

    /** Whether {@code keyName} submitted this job, and so may see it. */
    public boolean isOwnedBy(String keyName) {
        return this.keyName != null && this.keyName.equals(keyName);
    }

    /**
     * The job as {@code GET /v1/jobs/{id}} answers it: without the key and the request hash, each image as {@code
     * link} makes it downloadable.
     */
    public JobStatus view(Function<StoredImage, JobStatus.Image> link) {
        return new JobStatus(
                jobId, state, progress, images.stream().map(link).toList(), error, acceptedAt, startedAt, finishedAt);
    }
}
