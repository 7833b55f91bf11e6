package io.kiln.clients;

import java.net.URI;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * How to reach an S3 API: AWS itself, or an S3-compatible store such as MinIO or s3proxy.
 *
 * @param endpointOverride where the S3 API answers, e.g. {@code http://127.0.0.1:9000}; empty for AWS's own regional
 *     endpoints
 * @param region the signing region; AWS needs the bucket's region, S3-compatible stores accept any
 * @param pathStyleAccess {@code true} to address buckets as {@code http://host/bucket/key}, which MinIO and s3proxy
 *     need; {@code false} for AWS's virtual-hosted style {@code https://bucket.host/key}
 * @param credentials where the access keys come from
 */
public record S3Settings(
        Optional<URI> endpointOverride, String region, boolean pathStyleAccess, S3Credentials credentials) {

    private static final Pattern REGION = Pattern.compile("[a-z0-9-]+");

    public S3Settings {
        Require.notNull(endpointOverride, "endpointOverride");
        endpointOverride.ifPresent(S3Settings::requireHttpEndpoint);
        Require.notBlank(region, "region");
        if (!REGION.matcher(region).matches()) {
            throw new IllegalArgumentException("region must look like us-east-1, was '" + region + "'");
        }
        Require.notNull(credentials, "credentials");
    }

    /** AWS S3 in the given region, virtual-hosted addressing, keys from the default provider chain. */
    public static S3Settings aws(String region) {
        return new S3Settings(Optional.empty(), region, false, S3Credentials.defaultChain());
    }

    /** An S3-compatible store (MinIO, s3proxy) at {@code endpoint}: path-style addressing and fixed keys. */
    public static S3Settings compatibleStore(URI endpoint, String region, String accessKeyId, String secretAccessKey) {
        return new S3Settings(
                Optional.of(endpoint), region, true, S3Credentials.staticKeys(accessKeyId, secretAccessKey));
    }

    private static void requireHttpEndpoint(URI endpoint) {
        String scheme = endpoint.getScheme();
        if (!"http".equals(scheme) && !"https".equals(scheme)) {
            throw new IllegalArgumentException(
                    "endpointOverride must be an http or https URI such as http://127.0.0.1:9000, was '" + endpoint
                            + "'");
        }
        if (endpoint.getHost() == null) {
            throw new IllegalArgumentException("endpointOverride must name a host, was '" + endpoint + "'");
        }
    }
}
