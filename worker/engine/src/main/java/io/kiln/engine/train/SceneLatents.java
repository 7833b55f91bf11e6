package io.kiln.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.image.RgbImage;
import io.kiln.engine.model.vae.AutoencoderKL;
import io.kiln.engine.model.vae.Posterior;
import io.kiln.engine.train.shapes.Scene;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * The frozen autoencoder's posterior q(z|x) of every scene the LDM stage has met, kept on the host. The world has a
 * few thousand scenes and the autoencoder never changes in stage 2, so each is rendered and encoded once; every later
 * update only draws z = μ + σ·ε from the stored moments, which saves the encoder's share of an update.
 */
final class SceneLatents {
    private final AutoencoderKL vae;
    private final float scalingFactor;
    private final Map<Scene, Moments> posteriors = new HashMap<>();
    private Shape latentShape;

    /** μ and σ of one scene's posterior, each (L, h, w) flattened. */
    private record Moments(float[] mean, float[] std) {}

    SceneLatents(AutoencoderKL vae) {
        this.vae = vae;
        this.scalingFactor = (float) vae.scalingFactor();
    }

    /**
     * Scaled latents z₀ = scaling_factor·(μ + σ·ε) of {@code scenes}, (B, L, h, w), with ε drawn from {@code random}
     * in row-major order.
     */
    NDArray sample(List<Scene> scenes, SplittableRandom random, NDManager manager) {
        encodeMissing(scenes, manager);
        int size = Math.toIntExact(latentShape.size());
        float[] z0 = new float[scenes.size() * size];
        for (int b = 0; b < scenes.size(); b++) {
            Moments moments = posteriors.get(scenes.get(b));
            for (int i = 0; i < size; i++) {
                float draw = (float) random.nextGaussian();
                z0[b * size + i] = scalingFactor * (moments.mean[i] + moments.std[i] * draw);
            }
        }
        return manager.create(z0, new Shape(scenes.size()).addAll(latentShape));
    }

    private void encodeMissing(List<Scene> scenes, NDManager manager) {
        List<Scene> missing = scenes.stream()
                .distinct()
                .filter(s -> !posteriors.containsKey(s))
                .toList();
        if (missing.isEmpty()) {
            return;
        }
        List<RgbImage> images = new ArrayList<>(missing.size());
        missing.forEach(scene -> images.add(scene.render()));
        Posterior q = vae.encode(TrainingBatch.images(images, manager)); // over (M, L, h, w)
        latentShape = q.mean().getShape().slice(1);
        int size = Math.toIntExact(latentShape.size());
        float[] mean = q.mean().toFloatArray();
        float[] std = q.std().toFloatArray();
        for (int m = 0; m < missing.size(); m++) {
            posteriors.put(
                    missing.get(m),
                    new Moments(
                            Arrays.copyOfRange(mean, m * size, (m + 1) * size),
                            Arrays.copyOfRange(std, m * size, (m + 1) * size)));
        }
    }
}
