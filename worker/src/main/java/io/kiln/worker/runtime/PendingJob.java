package io.kiln.worker.runtime;

import io.kiln.worker.kafka.JobRecord;
import java.time.Instant;

/**
 * A job the worker has taken and not yet settled.
 *
 * @param takenAt when the poll thread took it, which starts its wait for batch-mates
 */
record PendingJob(JobRecord record, JobSpec spec, Instant takenAt) {}
