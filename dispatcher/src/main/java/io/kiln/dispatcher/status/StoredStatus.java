package io.kiln.dispatcher.status;

import io.kiln.contracts.JobStatus;
import io.kiln.contracts.JobUpdate;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Stream;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What the dispatcher knows about one job: the value on the status topic, keyed by job id. It is the job's history,
 * in the order the fold read it; everything a client sees ({@link #view()}) follows from that history, so the two can
 * never disagree.
 *
 * @param jobId {@code job_id}
 * @param acceptance who submitted the job and when Kafka took it; null until the job record has been read, and for a
 *     job that reached Kafka some other way, which no client can then see through the API
 * @param history every event of the job, oldest first, each with the id of the envelope it came from; of a run's
 *     progress only the latest is kept, since a client resuming the stream wants where the job is, not each step
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StoredStatus(String jobId, Acceptance acceptance, List<Entry> history) {

    public StoredStatus {
        Objects.requireNonNull(jobId, "jobId");
        history = history == null ? List.of() : List.copyOf(history);
    }

    /**
     * Who submitted a job and when Kafka took it.
     *
     * @param keyName {@code key_name}: the API key's name
     * @param requestSha256 {@code request_sha256}: the hash of the request as submitted, for idempotent resubmission
     * @param acceptedAt {@code accepted_at}: the job record's timestamp
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Acceptance(String keyName, String requestSha256, Instant acceptedAt) {
        public Acceptance {
            Objects.requireNonNull(acceptedAt, "acceptedAt");
        }
    }

    /**
     * One event of the history.
     *
     * @param eventId {@code event_id}: the id of the event envelope it came from, so that an event read twice is
     *     folded once; null for the {@code queued} entry, which comes from the job record
     * @param update the event as the stream sends it, but for a success's images
     * @param images a success's images, without URLs: the worker's presigned URLs expire, so each answer presigns its
     *     own; null for the other events
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    public record Entry(String eventId, JobUpdate update, List<StoredImage> images) {
        public Entry {
            Objects.requireNonNull(update, "update");
            images = images == null ? null : List.copyOf(images);
        }

        Entry(String eventId, JobUpdate update) {
            this(eventId, update, null);
        }

        /** The event as a client sees it: a success's images made downloadable by {@code link}. */
        JobUpdate shown(Function<StoredImage, JobStatus.Image> link) {
            return images == null
                    ? update
                    : update.withImages(images.stream().map(link).toList());
        }
    }

    /** A job Kafka just took, not yet picked up by a worker. */
    public static StoredStatus queued(String jobId, Acceptance acceptance) {
        return new StoredStatus(jobId, null, List.of()).withAcceptance(acceptance);
    }

    /** This status with {@code acceptance} recorded and a {@code queued} event at the end of its history. */
    StoredStatus withAcceptance(Acceptance acceptance) {
        JobUpdate queued = JobUpdate.queued(jobId, nextSequence(), acceptance.acceptedAt());
        return new StoredStatus(jobId, acceptance, history).with(new Entry(null, queued));
    }

    /** Whether {@code keyName} submitted this job, and so may see it. */
    public boolean isOwnedBy(String keyName) {
        return acceptance != null
                && acceptance.keyName() != null
                && acceptance.keyName().equals(keyName);
    }

    /**
     * Where the job is: the status its latest event left it in. The {@code queued} event does not count, since it may
     * be read after the job's first events.
     */
    public JobStatus.Status state() {
        return history.reversed().stream()
                .map(entry -> entry.update().event())
                .filter(kind -> kind != JobUpdate.Kind.QUEUED)
                .findFirst()
                .map(JobUpdate.Kind::status)
                .orElse(JobStatus.Status.QUEUED);
    }

    /**
     * The events after {@code sequence}, oldest first: what a stream resumed after that event sends, a success's
     * images made downloadable by {@code link}.
     */
    public List<JobUpdate> updatesAfter(long sequence, Function<StoredImage, JobStatus.Image> link) {
        return history.stream()
                .filter(entry -> entry.update().sequence() > sequence)
                .map(entry -> entry.shown(link))
                .toList();
    }

    /**
     * The job as {@code GET /v1/jobs/{id}} answers it: without the key and the request hash, its images made
     * downloadable by {@code link}.
     */
    public JobStatus view(Function<StoredImage, JobStatus.Image> link) {
        JobStatus.Progress progress = null;
        List<JobStatus.Image> images = List.of();
        JobStatus.Error error = null;
        Instant startedAt = null;
        Instant finishedAt = null;
        for (Entry entry : history) {
            JobUpdate update = entry.update();
            switch (update.event()) {
                case QUEUED -> {}
                case STARTED -> progress = null;
                case PROGRESS -> progress = update.progress();
                case SUCCEEDED -> images = entry.images().stream().map(link).toList();
                case FAILED, DEAD_LETTERED -> error = update.error();
                case CANCELLED -> {}
            }
            boolean starts = update.event() == JobUpdate.Kind.STARTED || update.event() == JobUpdate.Kind.PROGRESS;
            if (starts && startedAt == null) {
                startedAt = update.time();
            }
            if (update.isFinal()) {
                finishedAt = update.time();
            }
        }
        Instant acceptedAt = acceptance == null ? null : acceptance.acceptedAt();
        return new JobStatus(jobId, state(), progress, images, error, acceptedAt, startedAt, finishedAt);
    }

    /** Whether the latest change was reading the job record: the moment the job joins its key's index. */
    boolean endsWithAcceptance() {
        return acceptance != null
                && acceptance.keyName() != null
                && !history.isEmpty()
                && latest().event() == JobUpdate.Kind.QUEUED;
    }

    /** The sequence number the next event gets. */
    long nextSequence() {
        return history.isEmpty() ? 1 : latest().sequence() + 1;
    }

    /** The latest event; the history must not be empty. */
    JobUpdate latest() {
        return history.getLast().update();
    }

    /** Whether the history holds an event from the envelope {@code eventId}. */
    boolean hasEvent(String eventId) {
        return history.stream().anyMatch(entry -> eventId.equals(entry.eventId()));
    }

    /** This status with {@code entry} at the end of its history. */
    StoredStatus with(Entry entry) {
        return new StoredStatus(
                jobId,
                acceptance,
                Stream.concat(history.stream(), Stream.of(entry)).toList());
    }

    /** This status with {@code entry} in place of its latest event. */
    StoredStatus withLatestReplacedBy(Entry entry) {
        return new StoredStatus(jobId, acceptance, history.subList(0, history.size() - 1)).with(entry);
    }

    /** The latest progress of the running attempt, if it reported any since it started. */
    Optional<JobStatus.Progress> currentProgress() {
        return history.isEmpty() || latest().event() != JobUpdate.Kind.PROGRESS
                ? Optional.empty()
                : Optional.of(latest().progress());
    }
}
