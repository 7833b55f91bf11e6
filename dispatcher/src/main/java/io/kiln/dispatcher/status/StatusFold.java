package io.kiln.dispatcher.status;

import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.contracts.JobStatus;
import java.util.List;

/**
 * How a job's status follows from what the job and event topics say about it: pure functions, one per topic.
 *
 * <p>The two topics are read in timestamp order but with no guarantee between them, and a record may be read twice
 * after a crash (the fold runs at least once), so every rule here tolerates repetition and reordering:
 *
 * <ul>
 *   <li>the first acceptance fixes the owner, the request hash and {@code accepted_at}; a later record with the same
 *       job id (a second replica's write, see {@code JobIntake}) changes nothing;
 *   <li>an acceptance read after the job's first event fills in those three and leaves the state alone;
 *   <li>a final state ({@code succeeded}, {@code failed}, {@code cancelled}) is never left: a late {@code started} or
 *       {@code progress} of the same job is ignored;
 *   <li>{@code started_at} is the first attempt's start; a retry's {@code started} clears the progress.
 * </ul>
 */
final class StatusFold {
    private StatusFold() {}

    /** Folds a record of the job topic into {@code current}, which is null for a job not seen before. */
    static StoredStatus accepted(String jobId, AcceptedJob accepted, StoredStatus current) {
        if (current == null) {
            return StoredStatus.queued(jobId, accepted.keyName(), accepted.requestSha256(), accepted.acceptedAt());
        }
        if (current.acceptedAt() != null) {
            return current;
        }
        return new StoredStatus(
                current.jobId(),
                current.state(),
                accepted.keyName(),
                accepted.requestSha256(),
                current.progress(),
                current.images(),
                current.error(),
                accepted.acceptedAt(),
                current.startedAt(),
                current.finishedAt());
    }

    /** Folds an event into {@code current}, which is null for a job whose acceptance has not been read yet. */
    static StoredStatus event(String jobId, JobEventEnvelope envelope, StoredStatus current) {
        StoredStatus status = current != null
                ? current
                : new StoredStatus(jobId, JobStatus.Status.QUEUED, null, null, null, List.of(), null, null, null, null);
        if (status.state().isFinal()) {
            return status;
        }
        var started = status.startedAt() != null ? status.startedAt() : envelope.time();
        return switch (envelope.data()) {
            case JobEvent.Started ignored ->
                with(status, JobStatus.Status.RUNNING, null, List.of(), null, started, null);
            case JobEvent.Progress progress ->
                with(
                        status,
                        JobStatus.Status.RUNNING,
                        new JobStatus.Progress(progress.step(), progress.total()),
                        List.of(),
                        null,
                        started,
                        null);
            case JobEvent.Succeeded succeeded ->
                with(
                        status,
                        JobStatus.Status.SUCCEEDED,
                        status.progress(),
                        succeeded.images().stream()
                                .map(image -> new StoredImage(
                                        image.uri(),
                                        image.seed(),
                                        image.width(),
                                        image.height(),
                                        image.sizeBytes(),
                                        image.sha256()))
                                .toList(),
                        null,
                        started,
                        envelope.time());
            case JobEvent.Failed failed ->
                with(
                        status,
                        JobStatus.Status.FAILED,
                        status.progress(),
                        List.of(),
                        new JobStatus.Error(failed.code(), failed.message(), failed.retriable()),
                        status.startedAt(),
                        envelope.time());
            case JobEvent.Cancelled ignored ->
                with(
                        status,
                        JobStatus.Status.CANCELLED,
                        status.progress(),
                        List.of(),
                        null,
                        status.startedAt(),
                        envelope.time());
        };
    }

    private static StoredStatus with(
            StoredStatus status,
            JobStatus.Status state,
            JobStatus.Progress progress,
            List<StoredImage> images,
            JobStatus.Error error,
            java.time.Instant startedAt,
            java.time.Instant finishedAt) {
        return new StoredStatus(
                status.jobId(),
                state,
                status.keyName(),
                status.requestSha256(),
                progress,
                images,
                error,
                status.acceptedAt(),
                startedAt,
                finishedAt);
    }
}
