package io.kiln.client;

import io.kiln.contracts.JobStatus;
import io.kiln.contracts.S3Uri;
import io.kiln.contracts.Violation;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Why a call to the dispatcher did not succeed. One subclass per answer a caller handles differently:
 *
 * <ul>
 *   <li>{@link InvalidRequest} ({@code 400}): fix the request; it lists every broken field
 *   <li>{@link Unauthorized} ({@code 401}): the API key is missing or unknown
 *   <li>{@link NotFound} ({@code 404}): no such job for this key
 *   <li>{@link Conflict} ({@code 409}): the {@code job_id} is taken by a different request
 *   <li>{@link PayloadTooLarge} ({@code 413}) and {@link UnsupportedMediaType} ({@code 415}): the body was refused
 *   <li>{@link ImageMismatch}: a downloaded image is not the one the job's status describes
 *   <li>{@link Unavailable}: {@code 503}, {@code 429} or no connection, still so after every try the
 *       {@link RetryPolicy} allowed
 *   <li>{@link AwaitTimedOut}: the job did not finish within the time {@link JobHandle#await} was given
 *   <li>{@link UnexpectedResponse}: anything else, such as a {@code 500} or a body this client cannot read
 * </ul>
 *
 * Messages hold the server's explanation and never the API key.
 */
public abstract sealed class KilnException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int httpStatus;

    private KilnException(int httpStatus, String message, Throwable cause) {
        super(message, cause);
        this.httpStatus = httpStatus;
    }

    /**
     * The HTTP status that ended the call, or 0 where none did (no connection, a timeout of {@code await}); 200 for
     * an {@link ImageMismatch}, whose download was answered but not with the image expected.
     */
    public int httpStatus() {
        return httpStatus;
    }

    /** {@code 400}: the request breaks the contract. */
    public static final class InvalidRequest extends KilnException {
        private static final long serialVersionUID = 1L;

        private final transient List<Violation> violations;

        InvalidRequest(List<Violation> violations) {
            super(
                    400,
                    "the dispatcher refused the request: "
                            + violations.stream().map(Violation::toString).collect(Collectors.joining("; ")),
                    null);
            this.violations = List.copyOf(violations);
        }

        /** Every broken rule, each naming its field ({@code $} for the document as a whole), as the server said. */
        public List<Violation> violations() {
            return violations;
        }
    }

    /** {@code 401}: no API key, or one the dispatcher does not know. */
    public static final class Unauthorized extends KilnException {
        private static final long serialVersionUID = 1L;

        Unauthorized(String message) {
            super(401, "the dispatcher does not know this API key: " + message, null);
        }
    }

    /** {@code 404}: the job was never accepted, or was accepted for another key (the two look alike). */
    public static final class NotFound extends KilnException {
        private static final long serialVersionUID = 1L;

        NotFound(String jobId) {
            super(404, "no job " + jobId + " for this API key", null);
        }
    }

    /** {@code 409}: the {@code job_id} was accepted before for a different request, or for another key. */
    public static final class Conflict extends KilnException {
        private static final long serialVersionUID = 1L;

        Conflict(String message) {
            super(409, message, null);
        }
    }

    /** {@code 413}: the request body is over the dispatcher's limit. */
    public static final class PayloadTooLarge extends KilnException {
        private static final long serialVersionUID = 1L;

        PayloadTooLarge(String message) {
            super(413, message, null);
        }
    }

    /** {@code 415}: the dispatcher does not take a body of that {@code Content-Type} on that route. */
    public static final class UnsupportedMediaType extends KilnException {
        private static final long serialVersionUID = 1L;

        UnsupportedMediaType(String message) {
            super(415, message, null);
        }
    }

    /**
     * A downloaded image's SHA-256 is not the one the job's status gives: it was damaged on the way, or the object in
     * S3 changed since the job stored it. No file was written for it.
     */
    public static final class ImageMismatch extends KilnException {
        private static final long serialVersionUID = 1L;

        private final int index;
        private final transient S3Uri uri;

        ImageMismatch(String jobId, int index, S3Uri uri, String expectedSha256, String actualSha256) {
            super(
                    200,
                    "image " + index + " of job " + jobId + " (" + uri + ") has SHA-256 " + actualSha256
                            + ", but the job's status gives " + expectedSha256,
                    null);
            this.index = index;
            this.uri = uri;
        }

        /** Which image of the job, from 0. */
        public int index() {
            return index;
        }

        /** Where the image is stored. */
        public S3Uri uri() {
            return uri;
        }
    }

    /**
     * The dispatcher stayed unavailable ({@code 503}, {@code 429}) or unreachable through every try the retry policy
     * allowed. A submission that ends so may still have been accepted (an answer can be lost on the way back):
     * submit the same request again, with the same {@code job_id}, to find out without creating a second job.
     */
    public static final class Unavailable extends KilnException {
        private static final long serialVersionUID = 1L;

        private final int attempts;

        Unavailable(int httpStatus, int attempts, Duration elapsed, String lastFailure, Throwable cause) {
            super(
                    httpStatus,
                    "gave up after " + attempts + (attempts == 1 ? " attempt" : " attempts") + " in "
                            + elapsed.toMillis() + " ms; the last one: " + lastFailure,
                    cause);
            this.attempts = attempts;
        }

        /** How many tries were made. */
        public int attempts() {
            return attempts;
        }
    }

    /** The job was still not finished when {@link JobHandle#await} ran out of time. */
    public static final class AwaitTimedOut extends KilnException {
        private static final long serialVersionUID = 1L;

        private final transient JobStatus lastStatus;

        AwaitTimedOut(Duration timeout, JobStatus lastStatus) {
            super(
                    0,
                    "job " + lastStatus.jobId() + " did not finish within " + timeout.toMillis() + " ms; it is "
                            + lastStatus.status().wireName(),
                    null);
            this.lastStatus = lastStatus;
        }

        /** The status read last, still not final. */
        public JobStatus lastStatus() {
            return lastStatus;
        }
    }

    /** An answer this client does not expect (a {@code 500}, say) or cannot read. */
    public static final class UnexpectedResponse extends KilnException {
        private static final long serialVersionUID = 1L;

        UnexpectedResponse(int httpStatus, String message, Throwable cause) {
            super(httpStatus, message, cause);
        }
    }
}
