package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * The residual block of the UNet and the VAE: two GroupNorm-SiLU-conv stages, the timestep embedding added between
 * them (UNet only), and a 1×1 {@code conv_shortcut} on the skip path when the channel count changes.
 */
public final class ResnetBlock2D extends Module {
    private final GroupNorm norm1;
    private final Conv2d conv1;
    private final Linear timeEmbProj;
    private final GroupNorm norm2;
    private final Conv2d conv2;
    private final Conv2d convShortcut;

    /**
     * @param timeEmbedding the width of the timestep embedding, or 0 for a block without one (the VAE's)
     */
    public ResnetBlock2D(long in, long out, long timeEmbedding, int groups, float eps) {
        this.norm1 = child("norm1", new GroupNorm(groups, in, eps));
        this.conv1 = child("conv1", Conv2d.same(in, out, 3));
        this.timeEmbProj = timeEmbedding > 0 ? child("time_emb_proj", new Linear(timeEmbedding, out, true)) : null;
        this.norm2 = child("norm2", new GroupNorm(groups, out, eps));
        this.conv2 = child("conv2", Conv2d.same(out, out, 3));
        this.convShortcut = in != out ? child("conv_shortcut", Conv2d.same(in, out, 1)) : null;
    }

    /** (B, in, H, W) → (B, out, H, W), for a block without a timestep embedding. */
    public NDArray forward(NDArray x) {
        return forward(x, null);
    }

    /** (B, in, H, W), embedding (B, E) or null → (B, out, H, W). */
    public NDArray forward(NDArray x, NDArray timeEmbedding) {
        return Scopes.scoped(() -> {
            NDArray h = conv1.forward(Activations.silu(norm1.forward(x)));
            if (timeEmbProj != null) {
                NDArray t = timeEmbProj.forward(Activations.silu(timeEmbedding)); // (B, out)
                h = h.add(t.expandDims(2).expandDims(3)); // + (B, out, 1, 1)
            }
            h = conv2.forward(Activations.silu(norm2.forward(h)));
            NDArray skip = convShortcut == null ? x : convShortcut.forward(x);
            return skip.add(h);
        });
    }
}
