package io.kiln.worker.runtime;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.S3Uri;
import io.kiln.engine.image.InitImage;
import io.kiln.engine.image.RgbImage;
import io.kiln.engine.image.UnreadableImageException;
import io.kiln.worker.failure.JobFailure;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;

/**
 * Reads img2img jobs' init images from S3 and decodes them at the job's size, while the jobs wait for their batch:
 * on virtual threads, so that the engine thread only computes and a batch of img2img jobs does not wait for its
 * reads one after the other.
 *
 * <p>A read's failure is the job's, as {@link io.kiln.worker.output.ImageStore#read} sorts it (an object S3 will not
 * serve is terminal, S3 away retriable); bytes that are no usable image are terminal
 * {@link ErrorCode#INIT_IMAGE_UNREADABLE}.
 */
final class InitImages implements AutoCloseable {
    private static final CompletableFuture<Optional<RgbImage>> NONE =
            CompletableFuture.completedFuture(Optional.empty());

    private final Function<S3Uri, byte[]> read;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    /** @param read an object's bytes, as {@link io.kiln.worker.output.ImageStore#read} */
    InitImages(Function<S3Uri, byte[]> read) {
        this.read = read;
    }

    /** The job's init image at its size, read from now on; empty at once for a txt2img job. */
    CompletableFuture<Optional<RgbImage>> fetch(JobSpec spec) {
        S3Uri uri = spec.request().initImage();
        if (uri == null) {
            return NONE;
        }
        return CompletableFuture.supplyAsync(() -> Optional.of(prepare(spec, uri)), threads);
    }

    private RgbImage prepare(JobSpec spec, S3Uri uri) {
        try {
            return InitImage.prepare(
                            read.apply(uri), spec.size().width(), spec.size().height())
                    .image();
        } catch (UnreadableImageException e) {
            throw JobFailure.terminal(
                    ErrorCode.INIT_IMAGE_UNREADABLE,
                    "init_image: " + uri + " is not a usable image: " + e.getMessage(),
                    e);
        }
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }
}
