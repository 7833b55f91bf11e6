package io.kiln.dispatcher.intake;

import java.time.Instant;

/** What became of a submitted job. */
public sealed interface Submission {

    /**
     * Kafka holds the job.
     *
     * @param repeated whether an earlier submission of the same request wrote it, and this one wrote nothing
     */
    record Accepted(String jobId, Instant acceptedAt, boolean repeated) implements Submission {}

    /** The job id is taken by a different request, or by another key's. */
    record Conflict(String jobId) implements Submission {}

    /** Nothing was written; the client may retry, ideally with the same {@code job_id}. */
    record Unavailable(String reason) implements Submission {}
}
