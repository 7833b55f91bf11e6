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
    private final Linear toQ;
    private final Linear toK;
    private final Linear toV;
    private final Linear toOut;
    private final int heads;
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
        this.toQ = child("to_q", new Linear(queryDim, inner, projectionBias));
        this.toK = child("to_k", new Linear(contextDim, inner, projectionBias));
        this.toV = child("to_v", new Linear(contextDim, inner, projectionBias));
        this.toOut = child("to_out", new ModuleList<>(1, i -> new Linear(inner, queryDim, true)))
                .get(0);
        this.heads = heads;
        this.scale = (float) (1 / Math.sqrt(headDim));
        this.slicing = slicing;
    }

    /** Self-attention: (B, T, C) → (B, T, C). */
    public NDArray forward(NDArray x) {
        return forward(x, x);
    }

    /** Attention of x to context: (B, T, C), (B, S, Cc) → (B, T, C). */
    public NDArray forward(NDArray x, NDArray context) {
        return Scopes.scoped(() -> {
            long batch = x.getShape().get(0);
            NDArray q = splitHeads(toQ.forward(x)); // (B·N, T, H)
            NDArray k = splitHeads(toK.forward(context)); // (B·N, S, H)
            NDArray v = splitHeads(toV.forward(context)); // (B·N, S, H)
            return toOut.forward(mergeHeads(attend(q, k, v), batch)); // (B, T, C)
        });
    }

    private NDArray attend(NDArray q, NDArray k, NDArray v) {
        NDArray kT = k.transpose(0, 2, 1); // (B·N, H, S)
        long[] dims = q.getShape().getShape();
        long slice = slicing.queriesPerSlice(
                dims[0], dims[1], kT.getShape().get(2), q.getDataType().getNumOfBytes());
        if (slice == dims[1]) {
            return weigh(q, kT, v);
        }
        NDList parts = new NDList();
        for (long start = 0; start < dims[1]; start += slice) {
            NDArray rows = q.get(new NDIndex(":, {}:{}, :", start, Math.min(start + slice, dims[1])));
            parts.add(weigh(rows, kT, v));
        }
        return NDArrays.concat(parts, 1); // (B·N, T, H)
    }

    /** (B·N, t, H), (B·N, H, S), (B·N, S, H) → (B·N, t, H). */
    private NDArray weigh(NDArray q, NDArray kT, NDArray v) {
        // Scoped so that a slice's scores and weights, the largest arrays of a UNet pass, die before the next slice.
        return Scopes.scoped(() -> {
            NDArray scores = Activations.scale(q.matMul(kT), scale); // (B·N, t, S)
            return scores.softmax(-1).matMul(v);
        });
    }

    private NDArray splitHeads(NDArray x) {
        long[] d = x.getShape().getShape(); // (B, T, N·H)
        return x.reshape(d[0], d[1], heads, d[2] / heads) // (B, T, N, H)
                .transpose(0, 2, 1, 3) // (B, N, T, H)
                .reshape(d[0] * heads, d[1], d[2] / heads); // (B·N, T, H)
    }

    private NDArray mergeHeads(NDArray x, long batch) {
        long[] d = x.getShape().getShape(); // (B·N, T, H)
        return x.reshape(batch, heads, d[1], d[2]) // (B, N, T, H)
                .transpose(0, 2, 1, 3) // (B, T, N, H)
                .reshape(batch, d[1], heads * d[2]); // (B, T, C)
    }
}
