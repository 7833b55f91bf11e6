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

    /**
     * The job is not accepted; the client may retry.
     *
     * @param reason for people, ending with what to do: retry later, or retry the same request
     * @param jobId the job id to retry with, when Kafka may hold the job under it; null when nothing was written or
     *     the client chose the id
     */
    record Unavailable(String reason, String jobId) implements Submission {}
}
