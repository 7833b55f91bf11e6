package io.kiln.worker.pipeline;

/** One image of a job, with the seed that reproduces it alone. */
public record GeneratedImage(RgbImage image, long seed) {}
