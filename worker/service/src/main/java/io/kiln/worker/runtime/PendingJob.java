package io.kiln.worker.runtime;

import io.kiln.worker.kafka.JobRecord;
import io.kiln.worker.output.ResultManifest;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * A job the worker has taken and not yet settled.
 *
 * @param priorResult the manifest of an earlier run of the job, looked up while it waits (see {@link PriorRuns})
 * @param tenure the worker's ownership of the job's partition when it was taken; the job is another worker's once
 *     that is over
 */
record PendingJob(
        JobRecord record, JobSpec spec, CompletableFuture<Optional<ResultManifest>> priorResult, Tenure tenure) {}
