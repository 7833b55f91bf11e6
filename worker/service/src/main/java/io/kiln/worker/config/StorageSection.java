package io.kiln.worker.config;

import static io.kiln.worker.config.ConfigKey.S3_ACCESS_KEY;
import static io.kiln.worker.config.ConfigKey.S3_BUCKET;
import static io.kiln.worker.config.ConfigKey.S3_ENDPOINT;
import static io.kiln.worker.config.ConfigKey.S3_PATH_STYLE;
import static io.kiln.worker.config.ConfigKey.S3_PREFIX;
import static io.kiln.worker.config.ConfigKey.S3_REGION;
import static io.kiln.worker.config.ConfigKey.S3_SECRET_KEY;
import static io.kiln.worker.config.ConfigKey.S3_URL_EXPIRY;

import io.kiln.clients.S3Credentials;
import io.kiln.clients.S3Settings;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Reads {@code s3.*} into {@link StorageSettings}. */
final class StorageSection {
    /** AWS's oldest region; S3-compatible stores accept any. */
    static final String DEFAULT_REGION = "us-east-1";

    private static final Pattern REGION = Pattern.compile("[a-z0-9-]+");

    private StorageSection() {}

    /** Records every problem in {@code values}; the supplier may be called only when there were none. */
    static Supplier<StorageSettings> read(ConfigValues values) {
        Optional<URI> endpoint = values.parsed(S3_ENDPOINT, Parsers.httpUri());
        String region = values.parsed(
                S3_REGION,
                DEFAULT_REGION,
                Parsers.matching(r -> REGION.matcher(r).matches(), "must look like us-east-1"));
        // MinIO and s3proxy need path-style addressing; AWS wants virtual-hosted buckets
        boolean pathStyle = values.parsed(S3_PATH_STYLE, endpoint.isPresent(), Parsers.bool());
        S3Credentials credentials = credentials(values);
        Optional<String> bucket = values.requiredParsed(
                S3_BUCKET, Parsers.matching(StorageSettings::isBucketName, StorageSettings.BUCKET_RULE));
        String prefix =
                values.parsed(S3_PREFIX, "", Parsers.matching(StorageSettings::isPrefix, StorageSettings.PREFIX_RULE));
        Duration urlExpiry = values.parsed(
                S3_URL_EXPIRY,
                StorageSettings.DEFAULT_URL_EXPIRY,
                Parsers.duration(StorageSettings.MIN_URL_EXPIRY, StorageSettings.MAX_URL_EXPIRY));
        return () -> new StorageSettings(
                new S3Settings(endpoint, region, pathStyle, credentials), bucket.orElseThrow(), prefix, urlExpiry);
    }

    private static S3Credentials credentials(ConfigValues values) {
        Optional<String> accessKey = values.text(S3_ACCESS_KEY);
        Optional<String> secretKey = values.text(S3_SECRET_KEY);
        if (accessKey.isPresent() && secretKey.isPresent()) {
            return S3Credentials.staticKeys(accessKey.get(), secretKey.get());
        }
        if (accessKey.isPresent() || secretKey.isPresent()) {
            ConfigKey missing = accessKey.isPresent() ? S3_SECRET_KEY : S3_ACCESS_KEY;
            ConfigKey given = accessKey.isPresent() ? S3_ACCESS_KEY : S3_SECRET_KEY;
            values.problem(
                    missing, "must be set together with " + given + ", or neither to use the AWS default credentials");
        }
        return S3Credentials.defaultChain();
    }
}
