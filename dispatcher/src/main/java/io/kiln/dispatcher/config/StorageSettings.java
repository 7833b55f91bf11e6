package io.kiln.dispatcher.config;

import io.kiln.clients.S3Settings;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * The S3 store the dispatcher reads and writes: uploads go to {@code bucket}; job images, wherever the workers stored
 * them, are handed out as presigned URLs signed with the same credentials.
 *
 * @param s3 how to reach the S3 API ({@code io.kiln.clients.S3ClientFactory} builds the client and presigner)
 * @param bucket where uploaded init images are stored; it must exist, and the workers must be able to read it
 * @param urlExpiry how long a presigned image URL works, from the answer that carries it: 1 s to 7 days, the longest
 *     a SigV4 signature lasts
 */
public record StorageSettings(S3Settings s3, String bucket, Duration urlExpiry) {
    /** An hour: enough to download a job's images after reading its status. */
    public static final Duration DEFAULT_URL_EXPIRY = Duration.ofHours(1);

    // the same rule as the contracts' S3Uri, so every upload's URI is a valid init_image
    private static final Pattern BUCKET = Pattern.compile("[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]");

    public StorageSettings {
        Check.notNull(s3, "storage.s3");
        if (!BUCKET.matcher(Check.notNull(bucket, "storage.bucket")).matches()) {
            throw new IllegalArgumentException("storage.bucket: must be 3 to 63 lowercase letters, digits, '.' or '-',"
                    + " starting and ending with a letter or digit, was '" + bucket + "'");
        }
        Check.between(urlExpiry, Duration.ofSeconds(1), Duration.ofDays(7), "storage.urlExpiry");
    }
}
