package io.kiln.worker.ops;

import io.kiln.contracts.ErrorCode;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;

/**
 * The worker's meters, all named {@code kiln.*} ({@code kiln_*} in Prometheus): job outcomes, batch sizes and
 * throughput, queue wait, step and denoising times, in-place retries. Thread-safe: the poll thread, the GPU thread and
 * storage callbacks record concurrently.
 */
public final class WorkerMetrics {
    private final Counter consumed;
    private final Counter succeeded;
    private final Map<ErrorCode, Counter> failed = new EnumMap<>(ErrorCode.class);
    private final Counter deadLettered;
    private final Counter cancelled;
    private final Counter retried;
    private final DistributionSummary batchSize;
    private final Timer denoise;
    private final Timer decode;
    private final Timer queueWait;
    private final Timer step;
    private final Counter storageRetries;
    private final Counter brokerRetries;
    private final Counter manifestLookUps;
    private volatile double latestImagesPerSecond = Double.NaN;

    public WorkerMetrics(MeterRegistry registry) {
        consumed = counter(registry, "kiln.jobs.consumed", "Job requests taken from Kafka, retries included");
        succeeded = counter(registry, "kiln.jobs.succeeded", "Jobs whose images were stored and announced");
        // every code is registered up front, so each series exists at zero and rate() sees its first failure
        for (ErrorCode code : ErrorCode.values()) {
            failed.put(
                    code,
                    Counter.builder("kiln.jobs.failed")
                            .description("Failed job attempts, by error code")
                            .tag("code", code.wireName())
                            .register(registry));
        }
        deadLettered = counter(registry, "kiln.jobs.dead.lettered", "Requests sent to the dead-letter topic");
        cancelled = counter(registry, "kiln.jobs.cancelled", "Jobs cancelled before they finished");
        retried = counter(registry, "kiln.jobs.retried", "Requests sent to a retry topic");
        batchSize = DistributionSummary.builder("kiln.batch.size")
                .description("Images generated per denoising batch")
                .baseUnit("images")
                .publishPercentileHistogram()
                .minimumExpectedValue(1.0)
                .maximumExpectedValue(64.0)
                .register(registry);
        Gauge.builder("kiln.batch.images.per.second", this, metrics -> metrics.latestImagesPerSecond)
                .description("Throughput of the latest batch: its images over its denoising time")
                .strongReference(true)
                .register(registry);
        denoise = timer(registry, "kiln.batch.denoise", "Denoising time per batch", Duration.ofMinutes(30));
        decode = timer(
                registry, "kiln.batch.decode", "Decoding time per batch, latents to pixels", Duration.ofMinutes(10));
        queueWait = timer(
                registry, "kiln.queue.wait", "Time from a job's arrival to its batch's start", Duration.ofHours(1));
        step = timer(registry, "kiln.denoise.step", "Time per denoising step of a batch", Duration.ofMinutes(1));
        storageRetries = counter(registry, "kiln.storage.retries", "S3 calls retried in place after a failure");
        brokerRetries = counter(registry, "kiln.broker.retries", "Kafka publications retried after a broker failure");
        manifestLookUps = counter(
                registry, "kiln.manifest.lookups", "Manifests looked for in S3 before running a job that may be done");
    }

    public void jobConsumed() {
        consumed.increment();
    }

    public void jobSucceeded() {
        succeeded.increment();
    }

    public void jobFailed(ErrorCode code) {
        failed.get(code).increment();
    }

    public void jobDeadLettered() {
        deadLettered.increment();
    }

    public void jobCancelled() {
        cancelled.increment();
    }

    public void jobRetried() {
        retried.increment();
    }

    /**
     * A batch finished.
     *
     * @param images the images it generated, at least 1
     * @param denoise how long its denoising loop took
     * @param decode how long decoding its latents to pixels took
     */
    public void batchRan(int images, Duration denoise, Duration decode) {
        if (images < 1) {
            throw new IllegalArgumentException("images: a batch generates at least one image, was " + images);
        }
        Duration time = atLeastZero(denoise, "denoise");
        Duration decodeTime = atLeastZero(decode, "decode");
        batchSize.record(images);
        this.denoise.record(time);
        this.decode.record(decodeTime);
        if (!time.isZero()) {
            latestImagesPerSecond = images / (time.toNanos() / 1e9);
        }
    }

    /**
     * A job waited {@code wait} between its arrival and the start of its batch. Measured from the record's timestamp,
     * set by the producer's clock, so a negative wait (clock skew) counts as zero.
     */
    public void queueWait(Duration wait) {
        queueWait.record(atLeastZero(wait, "wait"));
    }

    /** One denoising step of a batch took {@code stepTime}. */
    public void step(Duration stepTime) {
        step.record(atLeastZero(stepTime, "stepTime"));
    }

    /** An S3 call failed and is retried in place. */
    public void storageRetry() {
        storageRetries.increment();
    }

    /** Publishing to Kafka failed and is retried. */
    public void brokerRetry() {
        brokerRetries.increment();
    }

    /** A job's manifest is looked for, because an earlier owner of its partition may have stored it. */
    public void manifestLookUp() {
        manifestLookUps.increment();
    }

    private static Counter counter(MeterRegistry registry, String name, String description) {
        return Counter.builder(name).description(description).register(registry);
    }

    private static Timer timer(MeterRegistry registry, String name, String description, Duration longest) {
        return Timer.builder(name)
                .description(description)
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(longest)
                .register(registry);
    }

    // Durations come from wall clocks, which step back and differ between hosts; a meter must never fail the job it
    // measures, so a negative duration is recorded as zero rather than refused or dropped.
    private static Duration atLeastZero(Duration duration, String name) {
        if (duration == null) {
            throw new IllegalArgumentException(name + ": must not be null");
        }
        return duration.isNegative() ? Duration.ZERO : duration;
    }
}
