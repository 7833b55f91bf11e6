package io.kiln.worker.config;

import io.kiln.clients.S3Settings;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Where the worker stores generated images.
 *
 * @param s3 how to reach the S3 API
 * @param bucket the bucket images are written to
 * @param prefix prepended to every object key, with a {@code /} between; empty puts keys at the bucket's root,
 *     starting with the job id. Never starts or ends with {@code /}.
 * @param urlExpiry how long the presigned download URLs in events stay valid
 */
public record StorageSettings(S3Settings s3, String bucket, String prefix, Duration urlExpiry) {

    /** An hour: long enough for a client to fetch its images after the completion event. */
    public static final Duration DEFAULT_URL_EXPIRY = Duration.ofHours(1);

    /** The shortest URL lifetime S3 presigns. */
    public static final Duration MIN_URL_EXPIRY = Duration.ofSeconds(1);

    /** The longest URL lifetime S3 accepts for a SigV4 presigned URL. */
    public static final Duration MAX_URL_EXPIRY = Duration.ofDays(7);

    static final String BUCKET_RULE =
            "must be 3 to 63 lower-case letters, digits, '.' or '-', starting and ending with a letter or digit";
    static final String PREFIX_RULE = "must not start or end with '/'";

    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public StorageSettings {
        Check.notNull(s3, "s3");
        if (!isBucketName(Check.notNull(bucket, "bucket"))) {
            throw new IllegalArgumentException("bucket: " + BUCKET_RULE + ", was '" + bucket + "'");
        }
        if (!isPrefix(Check.notNull(prefix, "prefix"))) {
            throw new IllegalArgumentException("prefix: " + PREFIX_RULE + ", was '" + prefix + "'");
        }
        Check.between(urlExpiry, MIN_URL_EXPIRY, MAX_URL_EXPIRY, "urlExpiry");
    }

    /** Whether S3 accepts {@code name} as a bucket name. */
    static boolean isBucketName(String name) {
        return BUCKET.matcher(name).matches();
    }

    static boolean isPrefix(String prefix) {
        return !prefix.startsWith("/") && !prefix.endsWith("/");
    }
}
