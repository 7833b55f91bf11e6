package io.kiln.infra.local;

import io.kiln.clients.S3Settings;
import java.net.URI;

/**
 * Where a running S3-compatible server answers, and the keys it accepts.
 *
 * @param endpoint the server's base URI, e.g. {@code http://127.0.0.1:9000}
 * @param region the region to sign requests for
 * @param accessKey the access key id
 * @param secretKey the secret key; never shown by {@link #toString()}
 */
public record S3Endpoint(URI endpoint, String region, String accessKey, String secretKey) {

    public S3Endpoint {
        if (endpoint == null || endpoint.getHost() == null) {
            throw new IllegalArgumentException("endpoint must be an absolute URI with a host, was " + endpoint);
        }
        requireNotBlank(region, "region");
        requireNotBlank(accessKey, "accessKey");
        requireNotBlank(secretKey, "secretKey");
    }

    /** Settings for {@link io.kiln.clients.S3ClientFactory}: path-style requests with these keys. */
    public S3Settings toS3Settings() {
        return S3Settings.compatibleStore(endpoint, region, accessKey, secretKey);
    }

    // Endpoints are printed in test and start-up logs; the secret must not be.
    @Override
    public String toString() {
        return "S3Endpoint[endpoint=" + endpoint + ", region=" + region + ", accessKey=" + accessKey
                + ", secretKey=***]";
    }

    private static void requireNotBlank(String value, String field) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(field + " must not be blank");
        }
    }
}
