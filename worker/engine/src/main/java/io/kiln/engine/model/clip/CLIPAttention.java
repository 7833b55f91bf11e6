package io.kiln.engine.model.clip;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.nn.Activations;
import io.kiln.engine.model.nn.AttentionHeads;
import io.kiln.engine.model.nn.Linear;
import io.kiln.engine.model.nn.Module;

/**
 * Multi-head self-attention of the text encoder, transformers' {@code CLIPAttention}: {@code softmax(Q·Kᵀ/√H + M)·V}
 * with biased projections {@code q_proj}, {@code k_proj}, {@code v_proj}, {@code out_proj} and the causal mask M.
 *
 * <p>Shapes: B batch, T tokens, N heads, H head size, D = N·H.
 */
final class CLIPAttention extends Module {
    private final AttentionHeads heads;
    private final float scale;

    CLIPAttention(CLIPTextConfig c) {
        long dim = c.hiddenSize();
        this.heads = new AttentionHeads(
                c.numAttentionHeads(),
                child("q_proj", new Linear(dim, dim, true)),
                child("k_proj", new Linear(dim, dim, true)),
                child("v_proj", new Linear(dim, dim, true)),
                child("out_proj", new Linear(dim, dim, true)));
        this.scale = (float) (1 / Math.sqrt(c.headDim()));
    }

    /** (B, T, D), additive mask (T, T) → (B, T, D). */
    NDArray forward(NDArray x, NDArray mask) {
        return heads.forward(x, x, (q, k, v) -> {
            // transformers scales the queries before the product, not the scores after it; the rounding follows suit.
            NDArray scores =
                    Activations.scale(q, scale).matMul(k.transpose(0, 2, 1)).add(mask); // (B·N, T, T)
            return scores.softmax(-1).matMul(v); // (B·N, T, H)
        }); // (B, T, D)
    }
}
