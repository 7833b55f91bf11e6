package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * {@code torch.nn.GroupNorm} with a per-channel affine. DJL binds no group norm, so the groups are normalised as the
 * rows of a layer norm: (B, C, …) → (B, G, C/G·…) → layer norm over the last axis → back → γ·x + β per channel.
 */
public final class GroupNorm extends Layer {
    private final int groups;
    private final float eps;
    private final Parameter weight;
    private final Parameter bias;

    public GroupNorm(int groups, long channels, float eps) {
        if (channels % groups != 0) {
            throw new IllegalArgumentException(channels + " channels do not split into " + groups + " groups");
        }
        this.groups = groups;
        this.eps = eps;
        this.weight = parameter("weight", channels);
        this.bias = parameter("bias", channels);
    }

    /** (B, C, H, W) or (B, C, T) → same shape. */
    @Override
    public NDArray forward(NDArray x) {
        Shape shape = x.getShape(); // (B, C, …)
        long batch = shape.get(0);
        NDArray rows = x.reshape(batch, groups, -1); // (B, G, C/G·…)
        Shape row = new Shape(rows.getShape().get(2)); // (C/G·…)
        // the layer norm's own affine left as identity: γ and β are per channel, not per row element
        NDArray unit = x.getManager().ones(row, x.getDataType(), x.getDevice()); // (C/G·…)
        NDArray zero = x.getManager().zeros(row, x.getDataType(), x.getDevice()); // (C/G·…)
        NDArray normalized = ai.djl.nn.norm.LayerNorm.layerNorm(rows, row, unit, zero, eps)
                .singletonOrThrow() // (B, G, C/G·…)
                .reshape(shape); // (B, C, …)
        Shape perChannel = perChannelShape(shape); // (1, C, 1, …)
        return normalized
                .mul(weight.array().reshape(perChannel))
                .add(bias.array().reshape(perChannel)); // (B, C, …)
    }

    private static Shape perChannelShape(Shape shape) {
        long[] dims = new long[shape.dimension()];
        java.util.Arrays.fill(dims, 1);
        dims[1] = shape.get(1);
        return new Shape(dims);
    }
}
