package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;

/** The activations of SD 1.x, written so they stay correct under a {@code GradientCollector}. */
public final class Activations {
    private Activations() {}

    /**
     * {@code x·σ(x)}. DJL's {@code swish(x, 1)} multiplies by a scalar held in a Java buffer that the GC may free
     * before a backward pass reads it, which corrupts gradients at random; two tensor ops avoid that.
     */
    public static NDArray silu(NDArray x) {
        return x.mul(Activation.sigmoid(x));
    }

    /** The exact (erf) GELU, as {@code torch.nn.functional.gelu}. */
    public static NDArray gelu(NDArray x) {
        return Activation.gelu(x);
    }

    /**
     * {@code x·k} with {@code k} filled natively on x's manager and device, for the same reason as {@link #silu}
     * (an array created from Java data must outlive the backward pass).
     */
    public static NDArray scale(NDArray x, float k) {
        return x.mul(x.getManager().full(new Shape(), k, x.getDataType(), x.getDevice()));
    }
}
