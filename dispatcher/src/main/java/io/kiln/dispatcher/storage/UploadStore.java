package io.kiln.dispatcher.storage;

import io.kiln.clients.S3ClientFactory;
import io.kiln.clients.S3Settings;
import io.kiln.contracts.S3Uri;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Stores uploaded images in S3 under a content address, {@code uploads/<key name>/<sha256>.<png|jpg>}: the same image
 * from the same API key lands on the same object, so an upload may be repeated freely.
 *
 * <p>Every S3 call is one attempt with a bounded wait; a failure is a {@link StorageUnavailableException}, which the
 * API answers 503. Retrying is the client's, which sees the 503, rather than the SDK's, which would hold the request
 * while it retried out of sight.
 *
 * <p>Thread-safe. Owns its S3 client and closes it.
 */
public final class UploadStore implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(UploadStore.class);
    private static final String PREFIX = "uploads/";

    // an upload moves at most 32 MiB: seconds on a LAN; ten without an answer means S3 is away
    private static final Duration CALL_TIMEOUT = Duration.ofSeconds(10);
    // a readiness probe answers within its own deadline, usually a few seconds
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(2);

    private final S3Client s3;
    private final String bucket;

    private UploadStore(S3Client s3, String bucket) {
        this.s3 = s3;
        this.bucket = bucket;
    }

    /** A store writing to {@code bucket} through a new client for {@code settings}. */
    public static UploadStore open(S3Settings settings, String bucket) {
        S3Client s3 = S3ClientFactory.createClient(
                settings,
                ClientOverrideConfiguration.builder()
                        .apiCallTimeout(CALL_TIMEOUT)
                        .retryStrategy(AwsRetryStrategy.doNotRetry())
                        .build());
        return new UploadStore(s3, bucket);
    }

    /**
     * Stores {@code image}, uploaded by key {@code keyName}, and returns where it is.
     *
     * @param sha256 the image's SHA-256, 64 lowercase hex digits: its address
     * @throws StorageUnavailableException if S3 did not store it
     */
    public S3Uri put(String keyName, byte[] image, ImageFormat format, String sha256)
            throws StorageUnavailableException {
        S3Uri uri = new S3Uri(bucket, PREFIX + keyName + "/" + sha256 + "." + format.extension());
        try {
            s3.putObject(
                    put -> put.bucket(uri.bucket()).key(uri.key()).contentType(format.mediaType()),
                    RequestBody.fromBytes(image));
        } catch (SdkException e) {
            if (isRefusal(e)) {
                log.error(
                        "S3 refused to store {}; check the bucket and the dispatcher's s3:PutObject permission",
                        uri,
                        e);
            }
            throw new StorageUnavailableException("S3 did not store the upload (" + describe(e) + ")", e);
        }
        return uri;
    }

    /**
     * What keeps S3 from taking uploads, asked with a HeadBucket that waits at most 2 s: empty when S3 answers and the
     * bucket is there and open to the dispatcher.
     */
    public Optional<String> unmetReadiness() {
        try {
            // a probe's own timeout, set on the request: the client's would let a probe wait out an upload's time
            s3.headBucket(
                    head -> head.bucket(bucket).overrideConfiguration(call -> call.apiCallTimeout(PROBE_TIMEOUT)));
            return Optional.empty();
        } catch (SdkException e) {
            String what = isRefusal(e) ? "S3 refuses the bucket " : "S3 does not answer for the bucket ";
            return Optional.of(what + bucket + " (" + describe(e) + ")");
        }
    }

    @Override
    public void close() {
        s3.close();
    }

    /** Whether S3 answered, but no: no such bucket, or no permission. Retrying does not help. */
    private static boolean isRefusal(SdkException e) {
        return e instanceof S3Exception s3 && (s3.statusCode() == 403 || s3.statusCode() == 404);
    }

    /** A short cause for messages: the status and S3's error code, or the client-side failure. */
    private static String describe(SdkException e) {
        if (e instanceof S3Exception s3) {
            String code =
                    s3.awsErrorDetails() == null ? null : s3.awsErrorDetails().errorCode();
            return s3.statusCode() + (code == null ? "" : " " + code);
        }
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        return cause.getClass().getSimpleName() + (cause.getMessage() == null ? "" : ": " + cause.getMessage());
    }
}
