package io.kiln.worker.runtime;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.JobEvent;
import io.kiln.engine.image.PngWriter;
import io.kiln.engine.pipeline.GeneratedImage;
import io.kiln.engine.pipeline.GenerationJob;
import io.kiln.engine.pipeline.JobResult;
import io.kiln.worker.failure.JobFailure;
import io.kiln.worker.kafka.JobOutcome;
import io.kiln.worker.output.ImageStore;
import io.kiln.worker.output.ResultManifest;
import io.kiln.worker.output.StoredImage;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stores a job's images while the engine denoises the next batch: encodes each PNG (with its generation parameters),
 * uploads them, writes the job's manifest last, and reports {@code succeeded} with presigned URLs. Each job, and each
 * of its images, runs on a virtual thread of its own; a batch's outcomes are reported together.
 *
 * <p>A job whose partition this worker gave away ({@link Tenure}) is stored no further, and gets no outcome: its next
 * owner stores the same keys and announces them, and a late upload from here would replace the announced bytes.
 */
final class OutputStage implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(OutputStage.class);

    private final ImageStore store;
    private final WorkerIdentity identity;
    private final Duration urlExpiry;
    private final Outcomes outcomes;
    private final Clock clock;
    private final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();
    private final AtomicInteger inFlight = new AtomicInteger();

    OutputStage(ImageStore store, WorkerIdentity identity, Duration urlExpiry, Outcomes outcomes, Clock clock) {
        this.store = store;
        this.identity = identity;
        this.urlExpiry = urlExpiry;
        this.outcomes = outcomes;
        this.clock = clock;
    }

    /** Jobs handed over and not yet reported. */
    int inFlight() {
        return inFlight.get();
    }

    /**
     * Stores the images of a batch's jobs and reports their outcomes together, so that they are published in one
     * transaction.
     *
     * @param batchImages how many images denoised together in the batch
     */
    void store(List<Finished> jobs, int batchImages) {
        inFlight.addAndGet(jobs.size());
        threads.execute(() -> {
            try {
                outcomes.report(inParallel(jobs, job -> outcomeOf(job, batchImages)).stream()
                        .flatMap(Optional::stream)
                        .toList());
            } catch (JobFailure interrupted) {
                log.warn("storing a batch of {} jobs was interrupted; they will be redelivered", jobs.size());
            } catch (RuntimeException | Error e) {
                // outcomeOf reports each job's own failures: this one is outside any job, and must not leave the
                // batch unreported, which would hold back its partitions' commits for good
                log.error("storing a batch of {} jobs failed", jobs.size(), e);
                outcomes.report(jobs.stream()
                        .map(finished -> (JobOutcome) storingFailed(finished.job(), e))
                        .toList());
            } finally {
                inFlight.addAndGet(-jobs.size());
                outcomes.wake();
            }
        });
    }

    /**
     * The job's outcome once its images are stored, or a failure's; empty after a fatal failure, or when the job's
     * partition was given away meanwhile.
     */
    private Optional<JobOutcome> outcomeOf(Finished finished, int batchImages) {
        PendingJob job = finished.job();
        String jobId = job.spec().jobId();
        try (var storing = job.tenure().storing()) {
            return storeNow(finished, batchImages);
        } catch (JobFailure failure) {
            if (!job.tenure().held()) {
                return Optional.empty(); // interrupted because the partition was given away
            }
            return switch (failure.kind()) {
                case RETRIABLE -> Optional.of(new JobOutcome.Retry(job.record(), jobId, failure));
                case TERMINAL -> Optional.of(new JobOutcome.Rejected(job.record(), Optional.of(jobId), failure));
                case FATAL -> {
                    outcomes.fatal(failure);
                    yield Optional.empty();
                }
            };
        } catch (RuntimeException | Error e) {
            // an Error too (a stack overflow, an exhausted heap while encoding): the job is retried, the worker goes on
            if (!job.tenure().held()) {
                return Optional.empty();
            }
            log.error("storing job {} failed", jobId, e);
            return Optional.of(storingFailed(job, e));
        }
    }

    private static JobOutcome.Retry storingFailed(PendingJob job, Throwable failure) {
        return new JobOutcome.Retry(
                job.record(),
                job.spec().jobId(),
                JobFailure.retriable(ErrorCode.INTERNAL, "storing the images failed: " + failure, failure));
    }

    private Optional<JobOutcome> storeNow(Finished finished, int batchImages) {
        PendingJob job = finished.job();
        JobResult result = finished.result();
        BatchTimes times = finished.times();
        String jobId = job.spec().jobId();
        Instant encodeStart = clock.instant();
        List<byte[]> pngs = inParallel(
                result.images(),
                image -> PngWriter.encode(
                        image.image(),
                        finished.generation().parameters(image.seed(), identity.model(), identity.modelHash())));
        Instant uploadStart = clock.instant();
        if (!job.tenure().held()) {
            return Optional.empty();
        }
        List<Integer> indices = IntStream.range(0, pngs.size()).boxed().toList();
        List<StoredImage> stored = inParallel(indices, i -> {
            GeneratedImage image = result.images().get(i);
            return store.putImage(
                    jobId,
                    i,
                    pngs.get(i),
                    image.seed(),
                    image.image().width(),
                    image.image().height());
        });
        var timings = new JobEvent.Succeeded.Timings(
                Math.max(
                        0,
                        Duration.between(job.record().timestamp(), times.start())
                                .toMillis()),
                times.denoise().toMillis(),
                times.decode().plus(Duration.between(encodeStart, uploadStart)).toMillis(),
                Duration.between(uploadStart, clock.instant()).toMillis());
        if (!job.tenure().held()) {
            return Optional.empty();
        }
        store.putManifest(new ResultManifest(
                jobId,
                stored,
                batchImages,
                timings,
                clock.instant(),
                identity.worker(),
                job.record().requestSha256()));
        var images = stored.stream().map(s -> store.presign(s, urlExpiry)).toList();
        return Optional.of(
                new JobOutcome.Ended(job.record(), jobId, new JobEvent.Succeeded(images, timings, batchImages)));
    }

    /** {@code succeeded} for a job answered from the manifest an earlier run stored, with fresh presigned URLs. */
    JobEvent.Succeeded succeededFrom(ResultManifest manifest) {
        var images =
                manifest.images().stream().map(i -> store.presign(i, urlExpiry)).toList();
        return new JobEvent.Succeeded(images, manifest.timings(), manifest.batchSize());
    }

    /** Applies {@code work} to every item on its own virtual thread; results in order, the first failure rethrown. */
    private <T, R> List<R> inParallel(List<T> items, Function<T, R> work) {
        List<Future<R>> futures = new ArrayList<>();
        for (T item : items) {
            futures.add(threads.submit(() -> work.apply(item)));
        }
        List<R> results = new ArrayList<>();
        try {
            for (Future<R> future : futures) {
                results.add(future.get());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            futures.forEach(f -> f.cancel(true));
            throw JobFailure.retriable(ErrorCode.INTERNAL, "interrupted while storing images", e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            switch (e.getCause()) {
                case RuntimeException runtime -> throw runtime;
                case Error error -> throw error;
                default -> throw new IllegalStateException(e.getCause());
            }
        }
        return results;
    }

    @Override
    public void close() {
        threads.shutdownNow();
    }

    /**
     * A job whose images are ready to store.
     *
     * @param times its batch's times; PNG encoding counts as decoding
     */
    record Finished(PendingJob job, GenerationJob generation, JobResult result, BatchTimes times) {}
}
