package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;

/** {@code y = x·Wᵀ + b} over the last axis; weight (out, in) as torch stores it. */
public final class Linear extends Layer {
    private final Parameter weight;
    private final Parameter bias;

    public Linear(long in, long out, boolean bias) {
        this.weight = parameter("weight", out, in);
        this.bias = bias ? parameter("bias", out) : null;
    }

    /** (…, in) → (…, out). */
    @Override
    public NDArray forward(NDArray x) {
        NDArray b = bias == null ? null : bias.array();
        return ai.djl.nn.core.Linear.linear(x, weight.array(), b).singletonOrThrow();
    }
}
