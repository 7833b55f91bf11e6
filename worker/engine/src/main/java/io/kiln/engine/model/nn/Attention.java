package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.index.NDIndex;

/**
 * Multi-head scaled dot-product attention, diffusers' {@code Attention}: {@code softmax(Q·Kᵀ/√H)·V} with projections
 * {@code to_q}, {@code to_k}, {@code to_v} (without bias in the UNet) and {@code to_out.0}. Self-attention when no
 * context is given, cross-attention to the text otherwise.
 *
 * <p>Shapes: B batch, T query tokens, S key tokens, N heads, H head size, C = N·H.
 */
public class Attention extends Module {
    private final AttentionHeads heads;
    private final float scale;
    private final AttentionSlicing slicing;

    public Attention(long queryDim, long contextDim, int heads, long headDim, AttentionSlicing slicing) {
        this(queryDim, contextDim, heads, headDim, false, slicing);
    }

    /**
     * @param projectionBias whether {@code to_q}, {@code to_k} and {@code to_v} carry a bias, as in the VAE's
     *     mid-block attention (diffusers' {@code bias=True})
     */
    public Attention(
            long queryDim, long contextDim, int heads, long headDim, boolean projectionBias, AttentionSlicing slicing) {
        long inner = heads * headDim;
        this.heads = new AttentionHeads(
                heads,
                child("to_q", new Linear(queryDim, inner, projectionBias)),
                child("to_k", new Linear(contextDim, inner, projectionBias)),
                child("to_v", new Linear(contextDim, inner, projectionBias)),
                child("to_out", new ModuleList<>(1, i -> new Linear(inner, queryDim, true)))
                        .get(0));
        this.scale = (float) (1 / Math.sqrt(headDim));
        this.slicing = slicing;
    }

    /** Self-attention: (B, T, C) → (B, T, C). */
    public NDArray forward(NDArray x) {
        return forward(x, x);
    }

    /** Attention of x to context: (B, T, C), (B, S, Cc) → (B, T, C). */
    public NDArray forward(NDArray x, NDArray context) {
        return Scopes.scoped(() -> heads.forward(x, context, this::attend)); // (B, T, C)
    }

    /** softmax(Q·Kᵀ/√H)·V over all queries at once, or over slices of them as {@code slicing} decides. */
    private NDArray attend(NDArray q, NDArray k, NDArray v) {
        NDArray kT = k.transpose(0, 2, 1); // (B·N, H, S)
        long[] dims = q.getShape().getShape(); // (B·N, T, H)
        long slice = slicing.queriesPerSlice(
                dims[0], dims[1], kT.getShape().get(2), q.getDataType().getNumOfBytes());
        if (slice == dims[1]) {
            return weigh(q, kT, v); // (B·N, T, H)
        }
        NDList parts = new NDList();
        for (long start = 0; start < dims[1]; start += slice) {
            NDArray rows = q.get(new NDIndex(":, {}:{}, :", start, Math.min(start + slice, dims[1]))); // (B·N, t, H)
            parts.add(weigh(rows, kT, v)); // (B·N, t, H)
        }
        return NDArrays.concat(parts, 1); // (B·N, T, H)
    }

    /** (B·N, t, H), (B·N, H, S), (B·N, S, H) → (B·N, t, H). */
    private NDArray weigh(NDArray q, NDArray kT, NDArray v) {
        // Scoped so that a slice's scores and weights, the largest arrays of a UNet pass, die before the next slice.
        return Scopes.scoped(() -> {
            NDArray scores = Activations.scale(q.matMul(kT), scale); // (B·N, t, S)
            return scores.softmax(-1).matMul(v); // (B·N, t, H)
        });
    }
}
