package io.kiln.engine.pipeline;

import io.kiln.engine.random.TorchGenerator;
import io.kiln.engine.sampling.NoiseSource;

/**
 * Each image's stream is a {@link TorchGenerator} seeded with its seed: the numbers of
 * {@code torch.Generator('cpu').manual_seed(seed)}, so a seed gives the image diffusers gives on the CPU, and no
 * state is shared between images, jobs or threads.
 */
public final class SeededNoise implements NoiseStreams {
    @Override
    public NoiseSource open(long seed) {
        TorchGenerator generator = new TorchGenerator(seed);
        return (shape, manager) -> generator.randn(manager, shape);
    }
}
