package io.kiln.dispatcher.status;

import io.kiln.contracts.JobStatus;
import io.kiln.contracts.S3Uri;
import java.net.URI;
import java.time.Instant;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * One stored PNG of a succeeded job, as the status topic keeps it: where it is and what it is, without a URL. The
 * worker's presigned URL in its {@code succeeded} event expires; a client gets a fresh one with each answer.
 *
 * @param uri where it is stored
 * @param seed the seed that renders this image on its own
 * @param sizeBytes {@code size_bytes}: the PNG's length
 * @param sha256 SHA-256 of the PNG, 64 lowercase hex digits
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record StoredImage(S3Uri uri, long seed, int width, int height, long sizeBytes, String sha256) {

    /** This image as a client sees it, with {@code url} to download it until {@code urlExpiresAt}. */
    public JobStatus.Image linked(URI url, Instant urlExpiresAt) {
        return new JobStatus.Image(uri, url, urlExpiresAt, seed, width, height, sizeBytes, sha256);
    }
}
