package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/** A 2-D convolution with a square kernel, weight (out, in, k, k), always with a bias (as in every SD conv). */
public final class Conv2d extends Layer {
    private final Parameter weight;
    private final Parameter bias;
    private final Shape stride;
    private final Shape padding;

    public Conv2d(long in, long out, int kernel, int stride, int padding) {
        this.weight = parameter("weight", out, in, kernel, kernel);
        this.bias = parameter("bias", out);
        this.stride = new Shape(stride, stride);
        this.padding = new Shape(padding, padding);
    }

    /** A stride-1 convolution that keeps the spatial size. */
    public static Conv2d same(long in, long out, int kernel) {
        return new Conv2d(in, out, kernel, 1, kernel / 2);
    }

    /** (B, in, H, W) → (B, out, H', W'). */
    @Override
    public NDArray forward(NDArray x) {
        return ai.djl.nn.convolutional.Conv2d.conv2d(
                        x, weight.array(), bias.array(), stride, padding, new Shape(1, 1), 1)
                .singletonOrThrow();
    }
}
