package io.kiln.dispatcher.config;

/**
 * How much {@code POST /v1/uploads} takes in.
 *
 * @param maxBytes the largest image body, 1 KiB to 32 MiB (the most a worker reads as an init image); a larger one is
 *     answered 413
 * @param maxConcurrent how many uploads are read and checked at once, 1 to 64; one more is answered 503 at once. Each
 *     holds its body and, while it is decoded, up to 64 MiB of pixels
 */
public record UploadSettings(long maxBytes, int maxConcurrent) {
    /** The default body limit: 8 MiB. */
    public static final long DEFAULT_MAX_BYTES = 8L * 1024 * 1024;

    /** The default number of uploads in progress at once. */
    public static final int DEFAULT_MAX_CONCURRENT = 4;

    /** The most a worker reads as an init image ({@code ImageStore.MAX_INIT_IMAGE_BYTES}). */
    public static final long WORKER_MAX_INIT_IMAGE_BYTES = 32L * 1024 * 1024;

    public UploadSettings {
        Check.between(maxBytes, 1024, WORKER_MAX_INIT_IMAGE_BYTES, "uploads.maxBytes");
        Check.between(maxConcurrent, 1, 64, "uploads.maxConcurrent");
    }

    /** 8 MiB, four at once. */
    public static UploadSettings defaults() {
        return new UploadSettings(DEFAULT_MAX_BYTES, DEFAULT_MAX_CONCURRENT);
    }
}
