package io.kiln.contracts;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonValue;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One event of a job's stream, {@code GET /v1/jobs/{id}/events} (docs/DISPATCHER.md, "Events"): what the dispatcher
 * sends as Server-Sent Events and the Java client reads. The SSE {@code id} is {@link #sequence}, the SSE
 * {@code event} is {@link #event}'s wire name, and the SSE {@code data} is this record as JSON.
 *
 * <p>Only the fields of the event's kind are present: {@code attempt} for {@code started}, {@code progress} for
 * {@code progress}, {@code images} for {@code succeeded}, {@code error} for {@code failed} and {@code dead_lettered},
 * {@code reason} for {@code cancelled}.
 *
 * @param jobId {@code job_id}
 * @param sequence the event's place in the job's stream, from 1; a client resumes after the last one it saw
 * @param event what happened
 * @param time when it happened
 * @param attempt which delivery of the job started, 1 for the first
 * @param progress denoising steps done of the running attempt
 * @param images the stored PNGs, each with a freshly presigned URL
 * @param error why the job failed
 * @param reason why the job was cancelled
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record JobUpdate(
        String jobId,
        long sequence,
        Kind event,
        Instant time,
        Integer attempt,
        JobStatus.Progress progress,
        List<JobStatus.Image> images,
        JobStatus.Error error,
        String reason) {

    public JobUpdate {
        Objects.requireNonNull(jobId, "jobId");
        Objects.requireNonNull(event, "event");
        Objects.requireNonNull(time, "time");
        if (sequence < 1) {
            throw new IllegalArgumentException("sequence must be at least 1: " + sequence);
        }
        images = images == null ? null : List.copyOf(images);
    }

    public static JobUpdate queued(String jobId, long sequence, Instant time) {
        return new JobUpdate(jobId, sequence, Kind.QUEUED, time, null, null, null, null, null);
    }

    public static JobUpdate started(String jobId, long sequence, Instant time, int attempt) {
        return new JobUpdate(jobId, sequence, Kind.STARTED, time, attempt, null, null, null, null);
    }

    public static JobUpdate progress(String jobId, long sequence, Instant time, JobStatus.Progress progress) {
        return new JobUpdate(jobId, sequence, Kind.PROGRESS, time, null, progress, null, null, null);
    }

    public static JobUpdate succeeded(String jobId, long sequence, Instant time, List<JobStatus.Image> images) {
        return new JobUpdate(jobId, sequence, Kind.SUCCEEDED, time, null, null, images, null, null);
    }

    /** A failure; {@code deadLettered} when its request waits in the dead-letter topic. */
    public static JobUpdate failed(
            String jobId, long sequence, Instant time, JobStatus.Error error, boolean deadLettered) {
        Kind kind = deadLettered ? Kind.DEAD_LETTERED : Kind.FAILED;
        return new JobUpdate(jobId, sequence, kind, time, null, null, null, error, null);
    }

    public static JobUpdate cancelled(String jobId, long sequence, Instant time, String reason) {
        return new JobUpdate(jobId, sequence, Kind.CANCELLED, time, null, null, null, null, reason);
    }

    /** This event with its images replaced, as the dispatcher sends a success with freshly presigned URLs. */
    public JobUpdate withImages(List<JobStatus.Image> images) {
        return new JobUpdate(jobId, sequence, event, time, attempt, progress, images, error, reason);
    }

    /** This event at another place in the stream. */
    public JobUpdate withSequence(long sequence) {
        return new JobUpdate(jobId, sequence, event, time, attempt, progress, images, error, reason);
    }

    /** Whether this event ends the stream: the job reached a final status. */
    @JsonIgnore // derived, not a field of the wire form
    public boolean isFinal() {
        return event.status().isFinal();
    }

    /** What happened to a job; each kind leaves the job in one {@link JobStatus.Status}. */
    public enum Kind {
        QUEUED("queued", JobStatus.Status.QUEUED),
        STARTED("started", JobStatus.Status.RUNNING),
        PROGRESS("progress", JobStatus.Status.RUNNING),
        SUCCEEDED("succeeded", JobStatus.Status.SUCCEEDED),
        FAILED("failed", JobStatus.Status.FAILED),
        DEAD_LETTERED("dead_lettered", JobStatus.Status.DEAD_LETTERED),
        CANCELLED("cancelled", JobStatus.Status.CANCELLED);

        private final String wireName;
        private final JobStatus.Status status;

        Kind(String wireName, JobStatus.Status status) {
            this.wireName = wireName;
            this.status = status;
        }

        /** The name used in JSON and as the SSE {@code event}. */
        @JsonValue
        public String wireName() {
            return wireName;
        }

        /** The job's status right after an event of this kind. */
        public JobStatus.Status status() {
            return status;
        }
    }
}
