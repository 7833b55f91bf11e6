package io.kiln.worker.kafka;

import io.kiln.contracts.JobEvent;
import io.kiln.worker.failure.JobFailure;
import java.util.Objects;
import java.util.Optional;

/**
 * A job's fate as the poll thread commits it: its terminal records are published in the same transaction that
 * commits the record's offset, so a crash can never yield two terminal events or lose one.
 */
public sealed interface JobOutcome {
    /** The request record this outcome settles. */
    JobRecord record();

    /** The job ended with {@code event}: {@code succeeded}, {@code cancelled}, or {@code failed} without a dead letter. */
    record Ended(JobRecord record, String jobId, JobEvent event) implements JobOutcome {
        public Ended {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(event, "event");
        }
    }

    /**
     * The record itself is at fault (unreadable, invalid, for a model this cluster lacks, an unusable init image): it
     * goes to the dead-letter topic, with a {@code failed} event when its job id can be read.
     */
    record Rejected(JobRecord record, Optional<String> jobId, JobFailure failure) implements JobOutcome {
        public Rejected {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(failure, "failure");
        }
    }

    /**
     * The attempt failed for a cause that may pass: the job goes to the next retry topic, or, when its retries are
     * spent, to the dead-letter topic with a {@code failed} event that says it may be retried.
     */
    record Retry(JobRecord record, String jobId, JobFailure failure) implements JobOutcome {
        public Retry {
            Objects.requireNonNull(record, "record");
            Objects.requireNonNull(jobId, "jobId");
            Objects.requireNonNull(failure, "failure");
        }
    }
}
