package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * One transformer layer of the UNet, pre-norm with residuals: self-attention over the image tokens, cross-attention
 * to the text, then the GEGLU feed-forward.
 */
public final class BasicTransformerBlock extends Module {
    private static final float EPS = 1e-5f;

    private final LayerNorm norm1;
    private final Attention attn1;
    private final LayerNorm norm2;
    private final Attention attn2;
    private final LayerNorm norm3;
    private final FeedForward ff;

    public BasicTransformerBlock(long dim, long contextDim, int heads, AttentionSlicing slicing) {
        long headDim = dim / heads;
        this.norm1 = child("norm1", new LayerNorm(dim, EPS));
        this.attn1 = child("attn1", new Attention(dim, dim, heads, headDim, slicing));
        this.norm2 = child("norm2", new LayerNorm(dim, EPS));
        this.attn2 = child("attn2", new Attention(dim, contextDim, heads, headDim, slicing));
        this.norm3 = child("norm3", new LayerNorm(dim, EPS));
        this.ff = child("ff", new FeedForward(dim));
    }

    /** (B, T, C), context (B, S, Cc) → (B, T, C). */
    public NDArray forward(NDArray x, NDArray context) {
        return Scopes.scoped(() -> {
            NDArray h = attn1.forward(norm1.forward(x)).add(x);
            h = attn2.forward(norm2.forward(h), context).add(h);
            return ff.forward(norm3.forward(h)).add(h);
        });
    }
}
