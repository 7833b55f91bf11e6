package io.kiln.worker.output;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.S3Uri;
import java.util.Objects;

/**
 * Where a job's outputs live: {@code <prefix>/<job_id>/<index>.png} and {@code <prefix>/<job_id>/result.json} in
 * {@code bucket}. An empty prefix puts the job folders at the bucket's root, with no leading slash.
 *
 * <p>Keys depend on the job id and image index alone, so a job redone after a crash overwrites its own objects
 * instead of leaving a second copy.
 *
 * @param bucket the output bucket
 * @param prefix folders above the job folders, such as {@code renders} or {@code prod/renders}; empty for none
 */
public record OutputLayout(String bucket, String prefix) {
    /** The name of the manifest in a job's folder. */
    public static final String MANIFEST_NAME = "result.json";

    public OutputLayout {
        Objects.requireNonNull(bucket, "bucket");
        Objects.requireNonNull(prefix, "prefix");
        // S3Uri holds the bucket naming rule; checking it here fails at start-up rather than at the first upload.
        new S3Uri(bucket, MANIFEST_NAME);
        if (prefix.startsWith("/") || prefix.endsWith("/") || prefix.contains("//")) {
            throw new IllegalArgumentException(
                    "prefix must not start or end with '/' nor contain '//', was '" + prefix + "'");
        }
    }

    /** The PNG of image {@code index} (0-based) of job {@code jobId}. */
    public S3Uri image(String jobId, int index) {
        if (index < 0) {
            throw new IllegalArgumentException("image index cannot be negative: " + index);
        }
        return new S3Uri(bucket, folder(jobId) + index + ".png");
    }

    /** The {@value #MANIFEST_NAME} of job {@code jobId}. */
    public S3Uri manifest(String jobId) {
        return new S3Uri(bucket, folder(jobId) + MANIFEST_NAME);
    }

    private String folder(String jobId) {
        if (jobId == null || !GenerationRequest.isJobId(jobId)) {
            throw new IllegalArgumentException("job id must be 1 to 128 characters of [A-Za-z0-9._:-], was " + jobId);
        }
        return prefix.isEmpty() ? jobId + "/" : prefix + "/" + jobId + "/";
    }
}
