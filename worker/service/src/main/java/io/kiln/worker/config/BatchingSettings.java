package io.kiln.worker.config;

import java.time.Duration;

/**
 * How the worker gathers compatible jobs into one denoising batch.
 *
 * @param maxBatchImages the most images one batch generates, summed over its jobs; at least 1
 * @param maxBatchDelay how long the first job of a batch may wait for company; zero runs every job alone at once
 */
public record BatchingSettings(int maxBatchImages, Duration maxBatchDelay) {

    public BatchingSettings {
        Check.between(maxBatchImages, 1, Integer.MAX_VALUE, "maxBatchImages");
        Check.notNegative(maxBatchDelay, "maxBatchDelay");
    }

    /** 8 images, 200 ms. */
    public static BatchingSettings defaults() {
        return new BatchingSettings(8, Duration.ofMillis(200));
    }
}
