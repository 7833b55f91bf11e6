package io.kiln.dispatcher.status;

import com.fasterxml.jackson.annotation.JsonValue;
import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.S3Uri;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What the dispatcher knows about one job: the value on the status topic, keyed by job id.
 *
 * @param jobId {@code job_id}
 * @param state {@code status}: where the job is
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
public record JobStatus(
        String jobId,
        State state,
        String keyName,
        String requestSha256,
        Progress progress,
        List<Image> images,
        Error error,
        Instant acceptedAt,
        Instant startedAt,
        Instant finishedAt) {

    public JobStatus {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(state, "state");
        images = images == null ? List.of() : List.copyOf(images);
    }

    /** A job Kafka just took, not yet picked up by a worker. */
    public static JobStatus queued(String jobId, String keyName, String requestSha256, Instant acceptedAt) {
        return new JobStatus(
                jobId, State.QUEUED, keyName, requestSha256, null, List.of(), null, acceptedAt, null, null);
    }

    /** Whether {@code keyName} submitted this job, and so may see it. */
    public boolean isOwnedBy(String keyName) {
        return this.keyName != null && this.keyName.equals(keyName);
    }

    /** Where a job is. Only the last three are final. */
    public enum State {
        QUEUED("queued"),
        RUNNING("running"),
        SUCCEEDED("succeeded"),
        FAILED("failed"),
        CANCELLED("cancelled");

        private final String wireName;

        State(String wireName) {
            this.wireName = wireName;
        }

        @JsonValue
        public String wireName() {
            return wireName;
        }

        public boolean isFinal() {
            return this == SUCCEEDED || this == FAILED || this == CANCELLED;
        }
    }

    /** Denoising steps done of the running attempt's total. */
    public record Progress(int step, int total) {}

    /**
     * One stored PNG of a succeeded job.
     *
     * @param uri where it is stored
     * @param seed the seed that renders this image on its own
     * @param sha256 SHA-256 of the PNG, 64 lowercase hex digits
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Image(S3Uri uri, long seed, int width, int height, long sizeBytes, String sha256) {}

    /** Why a job failed, as its {@code failed} event said. */
    public record Error(ErrorCode code, String message, boolean retriable) {}
}
