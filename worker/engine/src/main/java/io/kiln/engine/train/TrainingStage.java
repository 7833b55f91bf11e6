package io.kiln.engine.train;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.nn.Parameter;
import java.io.IOException;
import java.util.Map;
import java.util.SplittableRandom;

/** One stage of the recipe, as the {@link Trainer} drives it: what it trains, its loss, what it ships. */
public interface TrainingStage {
    /** The stage's name, which names its folder of training state. */
    String name();

    /** The parameters under optimisation, keyed by component and checkpoint key ({@code unet.conv_in.weight}). */
    Map<String, Parameter> trained();

    /**
     * The loss of one batch drawn from {@code random}, a scalar that the trainer backpropagates. Called inside a
     * gradient collector and a scope that frees everything the step creates.
     */
    NDArray loss(SplittableRandom random, int batchSize);

    /**
     * Writes the stage's components. The trainer has loaded the weights that ship, the moving average, into the
     * parameters of {@link #trained} first.
     */
    void ship() throws IOException;
}
