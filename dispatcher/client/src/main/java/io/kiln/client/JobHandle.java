package io.kiln.client;

import io.kiln.contracts.JobStatus;
import io.kiln.contracts.JobUpdate;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * A job the dispatcher accepted (or one submitted earlier, from {@link KilnClient#job}): its id, and calls to read
 * its status, cancel it and download its images. Immutable and safe to share; every call asks the dispatcher anew.
 */
public final class JobHandle {
    private final KilnClient client;
    private final String jobId;

    JobHandle(KilnClient client, String jobId) {
        this.client = Objects.requireNonNull(client, "client");
        this.jobId = Objects.requireNonNull(jobId, "jobId");
    }

    /** The job's id: the request's own {@code job_id}, or the one the client assigned. */
    public String jobId() {
        return jobId;
    }

    /**
     * The job's status now ({@code GET /v1/jobs/{id}}), retried like a submission while the dispatcher is unavailable.
     *
     * @throws KilnException.NotFound if this key has no such job
     * @throws KilnException for the other refusals, or once retrying gave up
     */
    public JobStatus status() throws InterruptedException {
        return client.status(jobId);
    }

    /**
     * Asks the dispatcher to cancel the job ({@code DELETE /v1/jobs/{id}}) and returns its status as the dispatcher
     * answered. A job still queued or running is returned as it was: its cancel is on its way to the workers, and
     * the job ends {@code cancelled} (or, if it was about to finish, {@code succeeded} or {@code failed}); {@link
     * #await} tells which. A job already final is returned as it is and nothing changes. Retried like a submission
     * while the dispatcher is unavailable; cancelling twice is cancelling once.
     *
     * @throws KilnException.NotFound if this key has no such job
     * @throws KilnException for the other refusals, or once retrying gave up
     */
    public JobStatus cancel() throws InterruptedException {
        return client.cancel(jobId);
    }

    /**
     * Polls {@link #status()} until the job is final (succeeded, failed, dead-lettered or cancelled) and returns that status. Polls
     * start 100 ms apart and slow down to one every 2 s. A failed job is returned, not thrown: its {@code error} says
     * why.
     *
     * @param timeout how long to wait; a single status call that is being retried may overrun it by its own budget
     * @throws KilnException.AwaitTimedOut if the job is not final within {@code timeout}
     */
    public JobStatus await(Duration timeout) throws InterruptedException {
        return client.await(jobId, timeout);
    }

    /**
     * Hands each of the job's events to {@code listener}, in order, from the first ({@code queued}) to the final one
     * ({@code succeeded}, {@code failed}, {@code dead_lettered} or {@code cancelled}), which it also returns: the events
     * so far at once, then each as it happens ({@code GET /v1/jobs/{id}/events}). Blocks until then, on the calling
     * thread, which also runs the listener. A dropped connection is resumed after the last event seen, retried like a
     * submission.
     *
     * @throws KilnException.NotFound if this key has no such job
     * @throws KilnException.Unavailable if the stream could not be resumed within the retry policy
     */
    public JobUpdate events(Consumer<JobUpdate> listener) throws InterruptedException {
        return client.events(jobId, Objects.requireNonNull(listener, "listener"));
    }

    /**
     * Downloads the job's images into {@code dir} (created if missing) as {@code <job_id>-<index>.png} and returns
     * their paths, in the job's order. It reads the job's status once, for freshly presigned URLs, and fetches each
     * image through its URL, without the API key. Each image's SHA-256 is checked against the status before any file
     * is written; a file of the same name is replaced. Status reads and fetches are retried like a submission.
     *
     * @throws IllegalStateException if the job has not succeeded ({@link #await} first)
     * @throws KilnException.ImageMismatch if an image's bytes are not the ones the status describes
     * @throws KilnException.NotFound if this key has no such job
     * @throws KilnException for the other refusals, or once retrying gave up
     * @throws IOException if a file cannot be written
     */
    public List<Path> download(Path dir) throws IOException, InterruptedException {
        Objects.requireNonNull(dir, "dir");
        return client.download(jobId, dir);
    }

    @Override
    public String toString() {
        return "JobHandle[" + jobId + "]";
    }
}
