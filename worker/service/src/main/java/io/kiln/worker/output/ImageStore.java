package io.kiln.worker.output;

import io.kiln.clients.S3ClientFactory;
import io.kiln.clients.S3Settings;
import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.S3Uri;
import io.kiln.worker.failure.JobFailure;
import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.client.config.ClientOverrideConfiguration;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectRequest;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.PutObjectRequest;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;
import tools.jackson.core.JacksonException;

/**
 * S3 access for a worker: stores a job's PNGs and then its {@link ResultManifest} where the {@link OutputLayout}
 * says, finds the manifest of a job already done, presigns GET URLs, and reads img2img init images.
 *
 * <p>Every S3 call is retried under the {@link StoragePolicy} (doubling waits until {@code giveUpAfter}) and guarded
 * by one circuit breaker shared by all calls on this store. How failures end:
 *
 * <ul>
 *   <li>S3 unreachable, timing out, failing (5xx) or throttling past {@code giveUpAfter}, or the thread interrupted:
 *       {@link JobFailure} retriable, {@link ErrorCode#STORAGE_UNAVAILABLE};
 *   <li>S3 refusing an upload or a manifest read (no such bucket, access denied): {@link JobFailure} fatal, since
 *       the worker's own configuration is wrong;
 *   <li>S3 refusing to serve an init image: {@link JobFailure} terminal, {@link ErrorCode#INIT_IMAGE_UNREADABLE}.
 * </ul>
 *
 * <p>Thread-safe. The store opens its own S3 client and presigner, and closes both.
 */
public final class ImageStore implements AutoCloseable {
    /** The largest init image read; a larger object is refused unread, so one bad job cannot exhaust the heap. */
    public static final int MAX_INIT_IMAGE_BYTES = 32 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(ImageStore.class);

    // SigV4, which S3 presigned URLs use, caps their lifetime at seven days.
    private static final Duration MAX_URL_EXPIRY = Duration.ofDays(7);

    // One attempt moves at most a few MB: milliseconds on a LAN, a few seconds over a slow WAN. Ten seconds without
    // an answer means a dead endpoint, and the guard's next attempt beats waiting for the socket's 30 s default.
    private static final Duration ATTEMPT_TIMEOUT = Duration.ofSeconds(10);

    private static final ClientOverrideConfiguration SINGLE_ATTEMPT = ClientOverrideConfiguration.builder()
            .apiCallTimeout(ATTEMPT_TIMEOUT)
            // StorageGuard does the retrying. The SDK's own (three more attempts by default) would multiply its
            // attempts, spend its time budget unseen and keep calls going while the circuit breaker is open.
            .retryStrategy(AwsRetryStrategy.doNotRetry())
            .build();

    private final S3Client s3;
    private final S3Presigner presigner;
    private final OutputLayout layout;
    private final Clock clock;
    private final StorageGuard guard;

    /**
     * @param settings the S3 store
     * @param layout where outputs go
     * @param policy how long and how often calls are retried
     * @param clock gives the time a presigned URL's expiry is counted from
     * @param onRetry called on the calling thread just before each retry of an S3 call, for a metric
     */
    public ImageStore(S3Settings settings, OutputLayout layout, StoragePolicy policy, Clock clock, Runnable onRetry) {
        this.layout = Objects.requireNonNull(layout, "layout");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.guard = new StorageGuard(policy, onRetry);
        this.s3 = S3ClientFactory.createClient(settings, SINGLE_ATTEMPT);
        this.presigner = S3ClientFactory.createPresigner(settings);
    }

    /**
     * Stores image {@code index} of job {@code jobId} as {@code image/png}, with user metadata {@code job-id} and
     * {@code seed}. Storing the same image again overwrites it.
     *
     * @throws JobFailure retriable when S3 stays unavailable, fatal when S3 refuses the upload
     */
    public StoredImage putImage(String jobId, int index, byte[] png, long seed, int width, int height) {
        S3Uri uri = layout.image(jobId, index);
        StoredImage stored = new StoredImage(uri, seed, width, height, png.length, sha256(png));
        put(
                PutObjectRequest.builder()
                        .bucket(uri.bucket())
                        .key(uri.key())
                        .contentType("image/png")
                        .metadata(Map.of("job-id", jobId, "seed", Long.toString(seed))),
                uri,
                png);
        return stored;
    }

    /**
     * Stores {@code manifest} as its job's {@code result.json}; call it after every PNG of the job is stored.
     *
     * @throws JobFailure retriable when S3 stays unavailable, fatal when S3 refuses the upload
     */
    public void putManifest(ResultManifest manifest) {
        S3Uri uri = layout.manifest(manifest.jobId());
        put(
                PutObjectRequest.builder().bucket(uri.bucket()).key(uri.key()).contentType("application/json"),
                uri,
                manifest.toJson());
    }

    /**
     * The manifest of job {@code jobId}: present when the job is done. Empty when there is none, and also when the
     * object there is not a readable manifest (logged), since redoing the job rewrites it.
     *
     * @throws JobFailure retriable when S3 stays unavailable, fatal when S3 refuses the read
     */
    public Optional<ResultManifest> findManifest(String jobId) {
        S3Uri uri = layout.manifest(jobId);
        String what = "read of " + uri;
        byte[] json;
        try {
            json = guard.call(what, () -> s3.getObjectAsBytes(get(uri)).asByteArray());
        } catch (SdkException e) {
            if (StorageFailures.isMissingKey(e)) {
                return Optional.empty();
            }
            // Without s3:ListBucket on the bucket, S3 answers a missing key with 403 instead of 404.
            throw JobFailure.fatal(
                    what + " was refused (" + StorageFailures.describe(e)
                            + "); the worker needs s3:GetObject and s3:ListBucket on its output bucket",
                    e);
        }
        try {
            return Optional.of(ResultManifest.fromJson(json));
        } catch (JacksonException e) {
            LOG.warn("{} is not a readable manifest, so job {} counts as not done: {}", uri, jobId, e.getMessage());
            return Optional.empty();
        }
    }

    /**
     * A presigned GET URL for {@code image}, valid for {@code expiry}. Local work: no call to S3.
     *
     * @param expiry how long the URL works, at most seven days
     */
    public JobEvent.Succeeded.Image presign(StoredImage image, Duration expiry) {
        Objects.requireNonNull(image, "image");
        if (expiry == null || expiry.isNegative() || expiry.isZero() || expiry.compareTo(MAX_URL_EXPIRY) > 0) {
            throw new IllegalArgumentException("URL expiry must be positive and at most 7 days, was " + expiry);
        }
        // Taken before signing and cut to whole seconds like the signature's X-Amz-Date, so the URL works at least
        // until the time stated.
        Instant expiresAt = clock.instant().truncatedTo(ChronoUnit.SECONDS).plus(expiry);
        URL url = presigner
                .presignGetObject(request -> request.signatureDuration(expiry)
                        .getObjectRequest(get ->
                                get.bucket(image.uri().bucket()).key(image.uri().key())))
                .url();
        try {
            return new JobEvent.Succeeded.Image(
                    image.uri(),
                    url.toURI(),
                    expiresAt,
                    image.seed(),
                    image.width(),
                    image.height(),
                    image.sizeBytes(),
                    image.sha256());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the presigner made an invalid URL for " + image.uri() + ": " + url, e);
        }
    }

    /**
     * The bytes of an img2img init image, at most {@link #MAX_INIT_IMAGE_BYTES}.
     *
     * @throws JobFailure terminal {@link ErrorCode#INIT_IMAGE_UNREADABLE} when S3 refuses to serve {@code uri} (no
     *     such key or bucket, access denied) or the object is too large; retriable when S3 stays unavailable
     */
    public byte[] read(S3Uri uri) {
        try {
            return guard.call("read of init image " + uri, () -> download(uri));
        } catch (SdkException e) {
            throw JobFailure.terminal(
                    ErrorCode.INIT_IMAGE_UNREADABLE,
                    "init_image: " + uri + " is unreadable: " + StorageFailures.describe(e),
                    e);
        }
    }

    /** Closes the S3 client and the presigner. */
    @Override
    public void close() {
        try {
            presigner.close();
        } finally {
            s3.close();
        }
    }

    private void put(PutObjectRequest.Builder request, S3Uri uri, byte[] body) {
        String what = "put of " + uri;
        PutObjectRequest put = request.build();
        RequestBody content = RequestBody.fromBytes(body);
        try {
            guard.call(what, () -> s3.putObject(put, content));
        } catch (SdkException e) {
            throw JobFailure.fatal(
                    what + " was refused (" + StorageFailures.describe(e)
                            + "); check the worker's output bucket and its s3:PutObject permission",
                    e);
        }
    }

    private byte[] download(S3Uri uri) {
        ResponseInputStream<GetObjectResponse> body = s3.getObject(get(uri));
        try (body) {
            Long announced = body.response().contentLength();
            if (announced != null && announced > MAX_INIT_IMAGE_BYTES) {
                throw tooLarge(uri, body);
            }
            byte[] bytes = body.readNBytes(MAX_INIT_IMAGE_BYTES + 1);
            if (bytes.length > MAX_INIT_IMAGE_BYTES) {
                throw tooLarge(uri, body);
            }
            return bytes;
        } catch (IOException e) {
            throw SdkClientException.create("reading the body of " + uri + " failed", e);
        }
    }

    private static JobFailure tooLarge(S3Uri uri, ResponseInputStream<GetObjectResponse> body) {
        // A plain close would read the rest of a possibly huge body just to reuse the connection.
        body.abort();
        return JobFailure.terminal(
                ErrorCode.INIT_IMAGE_UNREADABLE,
                "init_image: " + uri + " is larger than the limit of " + MAX_INIT_IMAGE_BYTES + " bytes");
    }

    private static GetObjectRequest get(S3Uri uri) {
        return GetObjectRequest.builder().bucket(uri.bucket()).key(uri.key()).build();
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }
}
