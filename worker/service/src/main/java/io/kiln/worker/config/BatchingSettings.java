package io.kiln.worker.config;

import java.time.Duration;

/**
 * How the worker gathers compatible jobs into one denoising batch.
 *
 * @param maxBatchImages the most images one batch generates, summed over its jobs; at least 1
 * @param maxBatchDelay how long the first job of a batch may wait for company; zero runs every job alone at once
 * @param starvationLimit how long jobs of higher priority may overtake a job; past it, it goes before any priority
 */
public record BatchingSettings(int maxBatchImages, Duration maxBatchDelay, Duration starvationLimit) {

    public BatchingSettings {
        Check.between(maxBatchImages, 1, Integer.MAX_VALUE, "maxBatchImages");
        Check.notNegative(maxBatchDelay, "maxBatchDelay");
        Check.notNegative(starvationLimit, "starvationLimit");
    }

    /** 8 images, 200 ms; overtaken for at most 1 min. */
    public static BatchingSettings defaults() {
        return new BatchingSettings(8, Duration.ofMillis(200), Duration.ofMinutes(1));
    }
}
