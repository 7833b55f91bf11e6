package io.kiln.dispatcher.storage;

import io.kiln.clients.S3ClientFactory;
import io.kiln.clients.S3Settings;
import io.kiln.contracts.JobStatus;
import io.kiln.contracts.JobUpdate;
import io.kiln.dispatcher.status.StoredImage;
import io.kiln.dispatcher.status.StoredStatus;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

/**
 * Makes a job's images downloadable: each answer that shows a job gives each image a GET URL presigned at that moment,
 * valid for {@code expiry}. The URLs are never stored, so none handed out is older than the answer carrying it.
 *
 * <p>Presigning is local work, no call to S3. The URLs carry the dispatcher's signature, so its credentials need
 * {@code s3:GetObject} on the workers' output bucket. Thread-safe; owns its presigner and closes it.
 */
public final class ImageLinks implements AutoCloseable {
    private final S3Presigner presigner;
    private final Duration expiry;
    private final Clock clock;

    /**
     * Presigns for the store {@code settings} reach.
     *
     * @param expiry how long a URL works, at most 7 days (SigV4's limit)
     * @param clock the time {@code url_expires_at} is counted from
     */
    public ImageLinks(S3Settings settings, Duration expiry, Clock clock) {
        this.presigner = S3ClientFactory.createPresigner(settings);
        this.expiry = expiry;
        this.clock = clock;
    }

    /** {@code status} as a client sees it, each image with a fresh URL. */
    public JobStatus view(StoredStatus status) {
        return status.view(this::link);
    }

    /** The events of {@code status} after {@code sequence}, a success's images each with a fresh URL. */
    public List<JobUpdate> updatesAfter(StoredStatus status, long sequence) {
        return status.updatesAfter(sequence, this::link);
    }

    private JobStatus.Image link(StoredImage image) {
        // taken before signing and cut to whole seconds like the signature's X-Amz-Date, so the URL works at least
        // until the time stated
        Instant expiresAt = clock.instant().truncatedTo(ChronoUnit.SECONDS).plus(expiry);
        URL url = presigner
                .presignGetObject(presign -> presign.signatureDuration(expiry)
                        .getObjectRequest(get ->
                                get.bucket(image.uri().bucket()).key(image.uri().key())))
                .url();
        try {
            return image.linked(url.toURI(), expiresAt);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("the presigner made an invalid URL for " + image.uri() + ": " + url, e);
        }
    }

    @Override
    public void close() {
        presigner.close();
    }
}
