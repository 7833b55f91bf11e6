package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * diffusers' {@code Transformer2DModel} (CompVis' SpatialTransformer): the feature map is normed, projected, read
 * as H·W tokens through {@link BasicTransformerBlock}s, projected back and added to its input. The projections are
 * 1×1 convolutions in SD 1.x checkpoints and linear layers in SD 2.x-style ones ({@code use_linear_projection}).
 */
public final class Transformer2D extends Module {
    private static final float EPS = 1e-6f;

    private final GroupNorm norm;
    private final Layer projIn;
    private final ModuleList<BasicTransformerBlock> blocks;
    private final Layer projOut;
    private final boolean linearProjection;

    public Transformer2D(
            long channels,
            long contextDim,
            int heads,
            int layers,
            int groups,
            boolean linearProjection,
            AttentionSlicing slicing) {
        this.linearProjection = linearProjection;
        this.norm = child("norm", new GroupNorm(groups, channels, EPS));
        this.projIn = child("proj_in", projection(channels, linearProjection));
        this.blocks = child(
                "transformer_blocks",
                new ModuleList<>(layers, i -> new BasicTransformerBlock(channels, contextDim, heads, slicing)));
        this.projOut = child("proj_out", projection(channels, linearProjection));
    }

    private static Layer projection(long channels, boolean linear) {
        return linear ? new Linear(channels, channels, true) : Conv2d.same(channels, channels, 1);
    }

    /** (B, C, H, W), context (B, S, Cc) → (B, C, H, W). */
    public NDArray forward(NDArray x, NDArray context) {
        return Scopes.scoped(() -> {
            long[] d = x.getShape().getShape();
            NDArray h = norm.forward(x);
            // A 1×1 convolution projects the map; a linear projection acts on the tokens: the same map, other layouts.
            if (!linearProjection) {
                h = projIn.forward(h);
            }
            h = h.transpose(0, 2, 3, 1).reshape(d[0], d[2] * d[3], d[1]); // (B, H·W, C)
            if (linearProjection) {
                h = projIn.forward(h);
            }
            for (BasicTransformerBlock block : blocks) {
                h = block.forward(h, context);
            }
            if (linearProjection) {
                h = projOut.forward(h);
            }
            h = h.reshape(d[0], d[2], d[3], d[1]).transpose(0, 3, 1, 2); // (B, C, H, W)
            if (!linearProjection) {
                h = projOut.forward(h);
            }
            return h.add(x);
        });
    }
}
