package io.kiln.engine.pipeline;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.sampling.NoiseSource;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/** Noise streams that replay the draws a reference run recorded, per seed and in order. */
final class ReplayedNoise implements NoiseStreams {
    private final Map<Long, List<NDArray>> drawsBySeed;

    ReplayedNoise(Map<Long, List<NDArray>> drawsBySeed) {
        this.drawsBySeed = drawsBySeed;
    }

    @Override
    public NoiseSource open(long seed) {
        Deque<NDArray> draws = new ArrayDeque<>(drawsBySeed.get(seed));
        return (shape, manager) -> {
            NDArray draw = draws.removeFirst();
            if (!draw.getShape().equals(shape)) {
                throw new AssertionError("the pipeline drew " + shape + " where the reference drew " + draw.getShape());
            }
            return draw.duplicate(); // the pipeline frees what it draws; the recording stays intact
        };
    }
}
