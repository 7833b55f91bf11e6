package io.kiln.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A job as the dispatcher's {@code GET /v1/jobs/{id}} answers it (docs/DISPATCHER.md, "Routes"): what the dispatcher
 * writes and the Java client reads.
 *
 * @param jobId {@code job_id}
 * @param status where the job is
 * @param progress denoising steps done of the running attempt; null before the first step
 * @param images the stored PNGs once the job succeeded; empty before
 * @param error why the job failed; null unless it failed
 * @param acceptedAt {@code accepted_at}: when Kafka took the job
 * @param startedAt {@code started_at}: when the first attempt started; null before
 * @param finishedAt {@code finished_at}: when it succeeded, failed, was dead-lettered or cancelled; null before
 */
// every field present, null where not known yet, so a client reads one shape whatever the job's state
@JsonInclude(JsonInclude.Include.ALWAYS)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobStatus(
        String jobId,
        Status status,
        Progress progress,
        List<Image> images,
        Error error,
        Instant acceptedAt,
        Instant startedAt,
        Instant finishedAt) {

    public JobStatus {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(status, "status");
        images = images == null ? List.of() : List.copyOf(images);
    }

    /** Whether the job has ended: succeeded, failed, dead-lettered or cancelled. Its status changes no more. */
    @JsonIgnore // derived, not a field of the wire form
    public boolean isFinal() {
        return status.isFinal();
    }

    /**
     * Where a job is. All but the first two are final. {@code dead_lettered} is a failure whose request waits in the
     * dead-letter topic, where an operator can look at it and replay it.
     */
    public enum Status {
        QUEUED("queued"),
        RUNNING("running"),
        SUCCEEDED("succeeded"),
        FAILED("failed"),
        DEAD_LETTERED("dead_lettered"),
        CANCELLED("cancelled");

        private final String wireName;

        Status(String wireName) {
            this.wireName = wireName;
        }

        /** The name used in JSON. */
        @JsonValue
        public String wireName() {
            return wireName;
        }

        public boolean isFinal() {
            return this != QUEUED && this != RUNNING;
        }
    }

    /** Denoising steps done of the running attempt's total. */
    public record Progress(int step, int total) {}

    /**
     * One stored PNG of a succeeded job.
     *
     * @param uri where it is stored
     * @param url a presigned HTTP(S) URL to GET the PNG without credentials, signed when the dispatcher answered
     * @param urlExpiresAt {@code url_expires_at}: when {@code url} stops working
     * @param seed the seed that renders this image on its own
     * @param sizeBytes {@code size_bytes}: the PNG's length
     * @param sha256 SHA-256 of the PNG, 64 lowercase hex digits
     */
    @JsonInclude(JsonInclude.Include.ALWAYS)
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Image(
            S3Uri uri,
            URI url,
            Instant urlExpiresAt,
            long seed,
            int width,
            int height,
            long sizeBytes,
            String sha256) {}

    /**
     * Why a job failed.
     *
     * @param code what kind of failure
     * @param retriable whether the same request may succeed later
     */
    public record Error(ErrorCode code, String message, boolean retriable) {}
}
