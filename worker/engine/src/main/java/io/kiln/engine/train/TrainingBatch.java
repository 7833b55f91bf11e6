package io.kiln.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.image.RgbImage;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Turns Java-side data into the arrays a training step consumes. Everything is drawn from the step's generator, so
 * an update is the same on every machine and after a resume.
 *
 * <p>The arrays are created from Java buffers and must stay open until the backward pass has run: create them in
 * the step's own scope, never inside a nested one.
 */
final class TrainingBatch {
    private TrainingBatch() {}

    /** Images (B, 3, H, W) in [−1, 1], diffusers' x/255·2 − 1. */
    static NDArray images(List<RgbImage> images, NDManager manager) {
        RgbImage first = images.getFirst();
        int height = first.height();
        int width = first.width();
        int plane = height * width;
        float[] values = new float[images.size() * 3 * plane];
        for (int b = 0; b < images.size(); b++) {
            byte[] pixels = images.get(b).pixels();
            for (int p = 0; p < plane; p++) {
                for (int c = 0; c < 3; c++) {
                    values[(b * 3 + c) * plane + p] = (pixels[p * 3 + c] & 0xff) / 255f * 2 - 1;
                }
            }
        }
        return manager.create(values, new Shape(images.size(), 3, height, width));
    }

    /** Standard normal draws of {@code shape}. */
    static NDArray gaussian(SplittableRandom random, Shape shape, NDManager manager) {
        float[] values = new float[Math.toIntExact(shape.size())];
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        return manager.create(values, shape);
    }
}
