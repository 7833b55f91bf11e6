package io.kiln.engine.model.clip;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.nn.Activations;
import io.kiln.engine.model.nn.Linear;
import io.kiln.engine.model.nn.Module;

/**
 * Multi-head self-attention of the text encoder, transformers' {@code CLIPAttention}: {@code softmax(Q·Kᵀ/√H + M)·V}
 * with biased projections {@code q_proj}, {@code k_proj}, {@code v_proj}, {@code out_proj} and the causal mask M.
 *
 * <p>Shapes: B batch, T tokens, N heads, H head size, D = N·H.
 */
final class CLIPAttention extends Module {
    private final Linear qProj;
    private final Linear kProj;
    private final Linear vProj;
    private final Linear outProj;
    private final int heads;
    private final float scale;

    CLIPAttention(CLIPTextConfig c) {
        long dim = c.hiddenSize();
        this.qProj = child("q_proj", new Linear(dim, dim, true));
        this.kProj = child("k_proj", new Linear(dim, dim, true));
        this.vProj = child("v_proj", new Linear(dim, dim, true));
        this.outProj = child("out_proj", new Linear(dim, dim, true));
        this.heads = c.numAttentionHeads();
        this.scale = (float) (1 / Math.sqrt(c.headDim()));
    }

    /** (B, T, D), additive mask (T, T) → (B, T, D). */
    NDArray forward(NDArray x, NDArray mask) {
        long batch = x.getShape().get(0);
        // transformers scales the queries before the product, not the scores after it; the rounding follows suit.
        NDArray q = splitHeads(Activations.scale(qProj.forward(x), scale)); // (B·N, T, H)
        NDArray k = splitHeads(kProj.forward(x)); // (B·N, T, H)
        NDArray v = splitHeads(vProj.forward(x)); // (B·N, T, H)
        NDArray scores = q.matMul(k.transpose(0, 2, 1)).add(mask); // (B·N, T, T)
        NDArray attended = scores.softmax(-1).matMul(v); // (B·N, T, H)
        return outProj.forward(mergeHeads(attended, batch)); // (B, T, D)
    }

    private NDArray splitHeads(NDArray x) {
        long[] d = x.getShape().getShape(); // (B, T, D)
        return x.reshape(d[0], d[1], heads, d[2] / heads) // (B, T, N, H)
                .transpose(0, 2, 1, 3) // (B, N, T, H)
                .reshape(d[0] * heads, d[1], d[2] / heads); // (B·N, T, H)
    }

    private NDArray mergeHeads(NDArray x, long batch) {
        long[] d = x.getShape().getShape(); // (B·N, T, H)
        return x.reshape(batch, heads, d[1], d[2]) // (B, N, T, H)
                .transpose(0, 2, 1, 3) // (B, T, N, H)
                .reshape(batch, d[1], heads * d[2]); // (B, T, D)
    }
}
