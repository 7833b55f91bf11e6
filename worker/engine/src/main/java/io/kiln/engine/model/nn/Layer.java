package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;

/** A module with one input and one output, so a config can choose between interchangeable layers. */
public abstract class Layer extends Module {
    public abstract NDArray forward(NDArray x);
}
