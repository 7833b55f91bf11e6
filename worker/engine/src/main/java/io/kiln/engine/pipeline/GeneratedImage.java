package io.kiln.engine.pipeline;

import io.kiln.engine.image.RgbImage;

/** One image of a job, with the seed that reproduces it alone. */
public record GeneratedImage(RgbImage image, long seed) {}
