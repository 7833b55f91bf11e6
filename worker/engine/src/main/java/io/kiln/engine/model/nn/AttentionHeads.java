package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * What every multi-head attention does around its kernel: project queries from x and keys and values from the
 * context, fold the N heads into the batch, let the {@link Kernel} weigh them, unfold, project out. The owning module
 * declares the four projections under its checkpoint's names ({@code to_q} in diffusers, {@code q_proj} in
 * transformers); this only runs them, so it adds nothing to any parameter path.
 *
 * <p>Shapes: B batch, T query tokens, S key tokens, N heads, H head size, C = N·H.
 */
public final class AttentionHeads {
    /** The attention proper, on heads folded into the batch: q (B·N, T, H), k and v (B·N, S, H) → (B·N, T, H). */
    @FunctionalInterface
    public interface Kernel {
        NDArray attend(NDArray q, NDArray k, NDArray v);
    }

    private final int heads;
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;

    public AttentionHeads(int heads, Linear toQ, Linear toK, Linear toV, Linear toOut) {
        this.heads = heads;
        this.toQ = toQ;
        this.toK = toK;
        this.toV = toV;
        this.toOut = toOut;
    }

    /** Attention of x to context through {@code kernel}: (B, T, Cx), (B, S, Cc) → (B, T, Cx). */
    public NDArray forward(NDArray x, NDArray context, Kernel kernel) {
        long batch = x.getShape().get(0);
        NDArray q = split(toQ.forward(x)); // (B·N, T, H)
        NDArray k = split(toK.forward(context)); // (B·N, S, H)
        NDArray v = split(toV.forward(context)); // (B·N, S, H)
        return toOut.forward(merge(kernel.attend(q, k, v), batch)); // (B, T, Cx)
    }

    private NDArray split(NDArray x) {
        long[] d = x.getShape().getShape(); // (B, T, C)
        return x.reshape(d[0], d[1], heads, d[2] / heads) // (B, T, N, H)
                .transpose(0, 2, 1, 3) // (B, N, T, H)
                .reshape(d[0] * heads, d[1], d[2] / heads); // (B·N, T, H)
    }

    private NDArray merge(NDArray x, long batch) {
        long[] d = x.getShape().getShape(); // (B·N, T, H)
        return x.reshape(batch, heads, d[1], d[2]) // (B, N, T, H)
                .transpose(0, 2, 1, 3) // (B, T, N, H)
                .reshape(batch, d[1], heads * d[2]); // (B, T, C)
    }
}
