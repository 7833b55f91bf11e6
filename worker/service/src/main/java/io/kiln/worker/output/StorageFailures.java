package io.kiln.worker.output;

import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.NonRetryableException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Sorts what the S3 client throws: a store that could not be reached or could not cope now (worth a retry), a store
 * that answered no (a retry gets the same answer), and an interrupted thread (stop at once).
 */
final class StorageFailures {
    private static final int TOO_MANY_REQUESTS = 429;
    private static final int REQUEST_TIMEOUT = 408;
    private static final int NOT_FOUND = 404;

    private StorageFailures() {}

    /**
     * Whether the same call may succeed later: no answer (connection refused or reset, timeout), a 5xx, or a request
     * to slow down (429, throttling codes such as {@code SlowDown}).
     */
    static boolean isTransient(Throwable failure) {
        return switch (failure) {
            // The SDK enforces its timeouts by interrupting the calling thread, yet these are not shutdowns.
            case ApiCallTimeoutException timeout -> true;
            case ApiCallAttemptTimeoutException timeout -> true;
            case AbortedException aborted -> false;
            case NonRetryableException refused -> false;
            case SdkClientException noAnswer -> true;
            case AwsServiceException answer -> isTransientAnswer(answer);
            default -> false;
        };
    }

    /** Whether the call failed because its thread was interrupted, which means the worker is stopping. */
    static boolean isInterruption(Throwable failure) {
        if (failure instanceof ApiCallTimeoutException || failure instanceof ApiCallAttemptTimeoutException) {
            return false;
        }
        for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
            if (cause instanceof AbortedException || cause instanceof InterruptedException) {
                return true;
            }
        }
        return false;
    }

    /** Whether S3 answered that the bucket exists but the key does not. */
    static boolean isMissingKey(SdkException failure) {
        return failure instanceof NoSuchKeyException
                || (failure instanceof AwsServiceException answer
                        && answer.statusCode() == NOT_FOUND
                        && !"NoSuchBucket".equals(errorCode(answer)));
    }

    /** The failure for a message: {@code 403 AccessDenied: Access Denied} for an answer, else the client's message. */
    static String describe(SdkException failure) {
        if (failure instanceof AwsServiceException answer && answer.awsErrorDetails() != null) {
            return answer.statusCode() + " " + errorCode(answer) + ": "
                    + answer.awsErrorDetails().errorMessage();
        }
        return failure.getMessage();
    }

    private static boolean isTransientAnswer(AwsServiceException answer) {
        int status = answer.statusCode();
        return status >= 500
                || status == TOO_MANY_REQUESTS
                || status == REQUEST_TIMEOUT
                || answer.isThrottlingException()
                // S3 answers 400 RequestTimeout when the upload stalled, which a new attempt repairs.
                || "RequestTimeout".equals(errorCode(answer))
                // The client corrects its clock offset from this answer, so the next attempt is signed right.
                || answer.isClockSkewException();
    }

    private static String errorCode(AwsServiceException answer) {
        return answer.awsErrorDetails() == null
                ? null
                : answer.awsErrorDetails().errorCode();
    }
}
