package io.kiln.worker.failure;

/** How a failure is handled, which decides a job's fate. */
public enum FailureKind {
    /**
     * The cause may pass: S3 or the broker unreachable, memory short. The worker retries in place, then sends the
     * job to a retry topic, and dead-letters it only when its attempts run out.
     */
    RETRIABLE,
    /**
     * The job itself is at fault: unreadable or invalid input, an unknown model, an expired deadline. Retrying would
     * fail the same way, so the job ends at once: a {@code failed} event, and a dead letter when its record was bad.
     */
    TERMINAL,
    /**
     * The worker cannot go on: its model is gone, its configuration is wrong. It stops and leaves the job
     * uncommitted, so another worker takes it.
     */
    FATAL
}
