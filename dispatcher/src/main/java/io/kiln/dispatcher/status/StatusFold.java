package io.kiln.dispatcher.status;

import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.contracts.JobStatus;
import io.kiln.contracts.JobUpdate;
import java.util.List;

/**
 * How a job's history follows from what the job and event topics say about it: pure functions, one per topic.
 *
 * <p>The two topics are read in timestamp order but with no guarantee between them, and a record may be read twice
 * after a crash (the fold runs at least once), so every rule here tolerates repetition and reordering:
 *
 * <ul>
 *   <li>the first acceptance fixes the owner, the request hash and {@code accepted_at}, and adds {@code queued} to
 *       the history; a later record with the same job id (a second replica's write, see {@code JobIntake}) changes
 *       nothing;
 *   <li>an event whose envelope is already in the history changes nothing;
 *   <li>a final event ({@code succeeded}, {@code failed}, {@code dead_lettered}, {@code cancelled}) is never followed:
 *       a late event of the same job is ignored;
 *   <li>a run's progress replaces its previous progress in the history, and never goes back: a step at or below the
 *       latest is ignored. A retry's {@code started} begins a new run.
 * </ul>
 */
final class StatusFold {
    private StatusFold() {}

    /** Folds a record of the job topic into {@code current}, which is null for a job not seen before. */
    static StoredStatus accepted(String jobId, AcceptedJob accepted, StoredStatus current) {
        var acceptance =
                new StoredStatus.Acceptance(accepted.keyName(), accepted.requestSha256(), accepted.acceptedAt());
        if (current == null) {
            return StoredStatus.queued(jobId, acceptance);
        }
        return current.acceptance() != null ? current : current.withAcceptance(acceptance);
    }

    /** Folds an event into {@code current}, which is null for a job whose acceptance has not been read yet. */
    static StoredStatus event(String jobId, JobEventEnvelope envelope, StoredStatus current) {
        StoredStatus status = current != null ? current : new StoredStatus(jobId, null, List.of());
        if (status.state().isFinal() || status.hasEvent(envelope.id())) {
            return status;
        }
        long sequence = status.nextSequence();
        var time = envelope.time();
        if (envelope.data() instanceof JobEvent.Succeeded succeeded) {
            List<StoredImage> images = succeeded.images().stream()
                    .map(image -> new StoredImage(
                            image.uri(),
                            image.seed(),
                            image.width(),
                            image.height(),
                            image.sizeBytes(),
                            image.sha256()))
                    .toList();
            JobUpdate update = JobUpdate.succeeded(jobId, sequence, time, List.of());
            return status.with(new StoredStatus.Entry(envelope.id(), update, images));
        }
        JobUpdate update =
                switch (envelope.data()) {
                    case JobEvent.Started started -> JobUpdate.started(jobId, sequence, time, started.attempt());
                    case JobEvent.Progress progress ->
                        JobUpdate.progress(
                                jobId, sequence, time, new JobStatus.Progress(progress.step(), progress.total()));
                    case JobEvent.Failed failed ->
                        JobUpdate.failed(
                                jobId,
                                sequence,
                                time,
                                new JobStatus.Error(failed.code(), failed.message(), failed.retriable()),
                                failed.isDeadLettered());
                    case JobEvent.Cancelled cancelled -> JobUpdate.cancelled(jobId, sequence, time, cancelled.reason());
                    case JobEvent.Succeeded ignored -> throw new IllegalStateException("folded above");
                };
        var entry = new StoredStatus.Entry(envelope.id(), update);
        if (update.event() != JobUpdate.Kind.PROGRESS) {
            return status.with(entry);
        }
        var latest = status.currentProgress();
        if (latest.isEmpty()) {
            return status.with(entry);
        }
        // an earlier step read late, or read again after a crash
        if (latest.get().step() >= update.progress().step()) {
            return status;
        }
        return status.withLatestReplacedBy(entry);
    }
}
