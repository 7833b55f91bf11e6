package io.kiln.dispatcher.intake;

import io.kiln.dispatcher.status.StoredStatus;

/** What became of a request to cancel a job. */
public sealed interface Cancellation {

    /** Kafka holds the cancel command; the job's status as it was when the cancel was written. */
    record Requested(StoredStatus job) implements Cancellation {}

    /** The job had already succeeded, failed or been cancelled: nothing was written. */
    record AlreadyFinished(StoredStatus job) implements Cancellation {}

    /** The job was never accepted, or is another key's (the two are indistinguishable): nothing was written. */
    record NotFound(String jobId) implements Cancellation {}

    /** Nothing was written; the client may retry, since cancelling twice is cancelling once. */
    record Unavailable(String reason) implements Cancellation {}
}
