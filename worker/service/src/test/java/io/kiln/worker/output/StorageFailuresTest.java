package io.kiln.worker.output;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.ConnectException;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.AbortedException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;
import software.amazon.awssdk.services.s3.model.S3Exception;

class StorageFailuresTest {

    @Test
    void noAnswerIsTransient() {
        var refused = SdkClientException.create("Unable to execute HTTP request", new ConnectException("refused"));

        assertThat(StorageFailures.isTransient(refused)).isTrue();
        assertThat(StorageFailures.isTransient(ApiCallTimeoutException.create(10_000)))
                .isTrue();
        assertThat(StorageFailures.isTransient(ApiCallAttemptTimeoutException.create(10_000)))
                .isTrue();
    }

    @Test
    void serverErrorsAndRequestsToSlowDownAreTransient() {
        assertThat(StorageFailures.isTransient(answer(500, "InternalError"))).isTrue();
        assertThat(StorageFailures.isTransient(answer(503, "SlowDown"))).isTrue();
        assertThat(StorageFailures.isTransient(answer(429, "TooManyRequests"))).isTrue();
        assertThat(StorageFailures.isTransient(answer(400, "RequestTimeout"))).isTrue();
    }

    @Test
    void refusalsAreNotTransient() {
        assertThat(StorageFailures.isTransient(answer(403, "AccessDenied"))).isFalse();
        assertThat(StorageFailures.isTransient(answer(404, "NoSuchBucket"))).isFalse();
        assertThat(StorageFailures.isTransient(answer(400, "InvalidArgument"))).isFalse();
        assertThat(StorageFailures.isTransient(new IllegalStateException("a bug")))
                .isFalse();
    }

    @Test
    void anAbortedCallIsAnInterruptionNotATransientFailure() {
        var aborted =
                AbortedException.builder().message("Thread was interrupted").build();

        assertThat(StorageFailures.isInterruption(aborted)).isTrue();
        assertThat(StorageFailures.isTransient(aborted)).isFalse();
        assertThat(StorageFailures.isInterruption(ApiCallTimeoutException.create(10_000)))
                .isFalse();
    }

    @Test
    void aMissingKeyIsNotAMissingBucket() {
        var noSuchKey = (NoSuchKeyException) NoSuchKeyException.builder()
                .statusCode(404)
                .awsErrorDetails(details("NoSuchKey"))
                .build();

        assertThat(StorageFailures.isMissingKey(noSuchKey)).isTrue();
        assertThat(StorageFailures.isMissingKey(answer(404, "NoSuchKey"))).isTrue();
        assertThat(StorageFailures.isMissingKey(answer(404, "NoSuchBucket"))).isFalse();
        assertThat(StorageFailures.isMissingKey(answer(403, "AccessDenied"))).isFalse();
    }

    @Test
    void describesAnAnswerByStatusCodeAndMessage() {
        assertThat(StorageFailures.describe(answer(403, "AccessDenied"))).isEqualTo("403 AccessDenied: it said no");
    }

    private static S3Exception answer(int status, String code) {
        return (S3Exception) S3Exception.builder()
                .statusCode(status)
                .awsErrorDetails(details(code))
                .build();
    }

    private static AwsErrorDetails details(String code) {
        return AwsErrorDetails.builder()
                .errorCode(code)
                .errorMessage("it said no")
                .serviceName("S3")
                .build();
    }
}
