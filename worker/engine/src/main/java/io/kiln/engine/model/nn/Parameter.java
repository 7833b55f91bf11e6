package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * One learned tensor of a {@link Module}. Its shape is fixed when the module tree is built from a config, so a
 * checkpoint tensor of any other shape is refused at load time instead of failing deep inside a forward pass.
 */
public final class Parameter {
    private final Shape shape;
    private NDArray array;

    Parameter(Shape shape) {
        this.shape = shape;
    }

    /** The shape the architecture expects. */
    public Shape shape() {
        return shape;
    }

    /** The loaded tensor. */
    public NDArray array() {
        if (array == null) {
            throw new IllegalStateException("parameter of shape " + shape + " was never loaded");
        }
        return array;
    }

    /** Loads a tensor of exactly the expected shape; the caller names the key in its own error. */
    public void set(NDArray value) {
        if (!value.getShape().equals(shape)) {
            throw new IllegalArgumentException("expected shape " + shape + " but got " + value.getShape());
        }
        this.array = value;
    }
}
