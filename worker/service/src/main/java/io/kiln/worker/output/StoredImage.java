package io.kiln.worker.output;

import io.kiln.contracts.S3Uri;
import java.util.Objects;
import java.util.regex.Pattern;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One stored PNG.
 *
 * @param uri where the PNG is stored
 * @param seed the seed that renders this image on its own
 * @param width width in pixels
 * @param height height in pixels
 * @param sizeBytes {@code size_bytes}: size of the PNG in bytes
 * @param sha256 SHA-256 of the PNG, 64 lowercase hex digits
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StoredImage(S3Uri uri, long seed, int width, int height, long sizeBytes, String sha256) {
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public StoredImage {
        Objects.requireNonNull(uri, "uri");
        if (seed < 0) {
            throw new IllegalArgumentException("seed cannot be negative: " + seed);
        }
        if (width < 1 || height < 1 || sizeBytes < 1) {
            throw new IllegalArgumentException(
                    "empty image at " + uri + ": " + width + "x" + height + ", " + sizeBytes + " bytes");
        }
        if (sha256 == null || !SHA256_HEX.matcher(sha256).matches()) {
            throw new IllegalArgumentException("sha256 must be 64 lowercase hex digits: " + sha256);
        }
    }
}
