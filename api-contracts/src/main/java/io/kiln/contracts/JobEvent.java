package io.kiln.contracts;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * What happened to a job: the {@code data} of a {@link JobEventEnvelope} on {@link Topics#EVENTS}.
 *
 * <p>Each attempt at a job emits {@link Started} and then {@link Progress} events. The job ends with exactly one of
 * {@link Succeeded}, {@link Failed} or {@link Cancelled}; an attempt that Kiln retries emits no {@code failed}. The
 * kind of event travels as the envelope's CloudEvents {@code type}, for example {@value #TYPE_SUCCEEDED}.
 */
@JsonSubTypes({
    @JsonSubTypes.Type(value = JobEvent.Started.class, name = JobEvent.TYPE_STARTED),
    @JsonSubTypes.Type(value = JobEvent.Progress.class, name = JobEvent.TYPE_PROGRESS),
    @JsonSubTypes.Type(value = JobEvent.Succeeded.class, name = JobEvent.TYPE_SUCCEEDED),
    @JsonSubTypes.Type(value = JobEvent.Failed.class, name = JobEvent.TYPE_FAILED),
    @JsonSubTypes.Type(value = JobEvent.Cancelled.class, name = JobEvent.TYPE_CANCELLED)
})
public sealed interface JobEvent {
    /** CloudEvents type of {@link Started}. */
    String TYPE_STARTED = "io.kiln.job.started";
    /** CloudEvents type of {@link Progress}. */
    String TYPE_PROGRESS = "io.kiln.job.progress";
    /** CloudEvents type of {@link Succeeded}. */
    String TYPE_SUCCEEDED = "io.kiln.job.succeeded";
    /** CloudEvents type of {@link Failed}. */
    String TYPE_FAILED = "io.kiln.job.failed";
    /** CloudEvents type of {@link Cancelled}. */
    String TYPE_CANCELLED = "io.kiln.job.cancelled";

    /** The CloudEvents {@code type} of this event, such as {@value #TYPE_SUCCEEDED}. */
    default String type() {
        return switch (this) {
            case Started started -> TYPE_STARTED;
            case Progress progress -> TYPE_PROGRESS;
            case Succeeded succeeded -> TYPE_SUCCEEDED;
            case Failed failed -> TYPE_FAILED;
            case Cancelled cancelled -> TYPE_CANCELLED;
        };
    }

    /**
     * A worker began an attempt at the job.
     *
     * @param model the model running the job; the cluster's default when the request named none
     * @param worker the id of the worker running it
     * @param attempt 1 for the first delivery, one more for each retry
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Started(String model, String worker, int attempt) implements JobEvent {
        public Started {
            Objects.requireNonNull(model, "model");
            Objects.requireNonNull(worker, "worker");
            if (attempt < 1) {
                throw new IllegalArgumentException("attempt must be at least 1: " + attempt);
            }
        }
    }

    /**
     * Denoising has finished {@code step} of {@code total} steps.
     *
     * @param step steps done, 1..total
     * @param total steps in this attempt
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Progress(int step, int total) implements JobEvent {
        public Progress {
            if (step < 1 || step > total) {
                throw new IllegalArgumentException("step must be in 1.." + total + ": " + step);
            }
        }
    }

    /**
     * Every image of the job is stored.
     *
     * @param images one per requested image, in order
     * @param timings where the job's time went
     * @param batchSize {@code batch_size}: how many images the GPU denoised together in the batch this job ran in,
     *     its own included
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Succeeded(List<Image> images, Timings timings, int batchSize) implements JobEvent {
        public Succeeded {
            images = List.copyOf(images);
            Objects.requireNonNull(timings, "timings");
            if (images.isEmpty()) {
                throw new IllegalArgumentException("a succeeded job has at least one image");
            }
            if (batchSize < images.size()) {
                throw new IllegalArgumentException("batch size " + batchSize + " is below the image count");
            }
        }

        /**
         * One stored PNG.
         *
         * @param uri where the PNG is stored
         * @param url a presigned HTTP(S) URL to GET it without credentials
         * @param urlExpiresAt {@code url_expires_at}: when {@code url} stops working
         * @param seed the seed that renders this image on its own
         * @param width width in pixels
         * @param height height in pixels
         * @param sizeBytes {@code size_bytes}: size of the PNG in bytes
         * @param sha256 SHA-256 of the PNG, 64 lowercase hex digits
         */
        @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
        public record Image(
                S3Uri uri,
                URI url,
                Instant urlExpiresAt,
                long seed,
                int width,
                int height,
                long sizeBytes,
                String sha256) {
            private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

            public Image {
                Objects.requireNonNull(uri, "uri");
                Objects.requireNonNull(url, "url");
                Objects.requireNonNull(urlExpiresAt, "urlExpiresAt");
                if (!"https".equals(url.getScheme()) && !"http".equals(url.getScheme())) {
                    throw new IllegalArgumentException("url must be HTTP(S): " + url);
                }
                if (seed < 0) {
                    throw new IllegalArgumentException("seed cannot be negative: " + seed);
                }
                if (width < 1 || height < 1 || sizeBytes < 1) {
                    throw new IllegalArgumentException("empty image: " + width + "x" + height + ", " + sizeBytes);
                }
                if (!SHA256_HEX.matcher(sha256).matches()) {
                    throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits: " + sha256);
                }
            }
        }

        /**
         * Where a job's time went, in milliseconds.
         *
         * @param queueWaitMs {@code queue_wait_ms}: from the request's arrival on the topic to the start of its batch
         * @param denoiseMs {@code denoise_ms}: the denoising loop
         * @param decodeMs {@code decode_ms}: VAE decoding and PNG encoding
         * @param uploadMs {@code upload_ms}: storing the PNGs in S3
         */
        @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
        public record Timings(long queueWaitMs, long denoiseMs, long decodeMs, long uploadMs) {
            public Timings {
                if (queueWaitMs < 0 || denoiseMs < 0 || decodeMs < 0 || uploadMs < 0) {
                    throw new IllegalArgumentException("timings cannot be negative");
                }
            }
        }
    }

    /**
     * The job failed for good: the error is permanent, or Kiln's retries ran out.
     *
     * @param code the kind of failure
     * @param message what went wrong, for people; for {@code invalid_request} one {@code field: rule} per violation,
     *     separated by "; "
     * @param retriable whether submitting the same request again may succeed, because the cause was transient
     * @param attempts how many attempts Kiln made, 1 or more
     * @param deadLetterTopic {@code dead_letter_topic}: the topic that holds the request for someone to look at and
     *     replay, when Kiln put it there; null when it did not (the job's failure is the whole story)
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Failed(ErrorCode code, String message, boolean retriable, int attempts, String deadLetterTopic)
            implements JobEvent {
        public Failed {
            Objects.requireNonNull(code, "code");
            Objects.requireNonNull(message, "message");
            if (attempts < 1) {
                throw new IllegalArgumentException("attempts must be at least 1: " + attempts);
            }
            if (deadLetterTopic != null && deadLetterTopic.isBlank()) {
                throw new IllegalArgumentException("dead_letter_topic must not be blank");
            }
        }

        /** A failure that left no dead letter. */
        public Failed(ErrorCode code, String message, boolean retriable, int attempts) {
            this(code, message, retriable, attempts, null);
        }

        /** Whether the request waits in the dead-letter topic. */
        public boolean isDeadLettered() {
            return deadLetterTopic != null;
        }
    }

    /**
     * The job was cancelled before it finished.
     *
     * @param reason why, for people
     */
    @JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
    record Cancelled(String reason) implements JobEvent {
        public Cancelled {
            Objects.requireNonNull(reason, "reason");
        }
    }
}
