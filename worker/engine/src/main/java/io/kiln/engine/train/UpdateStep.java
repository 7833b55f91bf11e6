package io.kiln.engine.train;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.training.GradientCollector;
import io.kiln.engine.model.nn.Parameter;
import java.util.Collection;
import java.util.SplittableRandom;

/**
 * One optimiser update of a stage: the batch's loss backpropagated under a gradient collector, the global gradient norm
 * clipped, an {@link AdamW} step, the {@link Ema} folded in, the gradients zeroed for the next update. The caller
 * holds the scope that frees the update's arrays.
 */
final class UpdateStep {
    private final TrainingStage stage;
    private final Collection<Parameter> trained;
    private final AdamW adam;
    private final Ema ema;
    private final TrainingSettings settings;

    UpdateStep(TrainingStage stage, AdamW adam, Ema ema, TrainingSettings settings) {
        this.stage = stage;
        this.trained = stage.trained().values();
        this.adam = adam;
        this.ema = ema;
        this.settings = settings;
    }

    /**
     * Update {@code t} on a batch drawn from {@code random}.
     *
     * @return the batch's loss before the update
     */
    double run(SplittableRandom random, int t, double learningRate) {
        double loss = backward(random);
        if (!Double.isFinite(loss)) {
            throw new IllegalStateException(stage.name() + ": the loss diverged to " + loss + " at update " + t);
        }
        Gradients.clip(trained, settings.clipNorm());
        adam.step(t, learningRate);
        ema.update(t);
        Gradients.zero(trained);
        return loss;
    }

    /** The forward and backward pass alone, which leaves the gradients in place; returns the loss. */
    double backward(SplittableRandom random) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss = stage.loss(random, settings.batchSize());
            collector.backward(loss);
            return loss.getFloat();
        }
    }

    /** Zeroes the gradients {@link #backward} left. */
    void discardGradients() {
        Gradients.zero(trained);
    }
}
