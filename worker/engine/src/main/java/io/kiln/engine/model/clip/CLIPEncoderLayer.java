package io.kiln.engine.model.clip;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.nn.LayerNorm;
import io.kiln.engine.model.nn.Module;

/**
 * One pre-norm transformer layer of the text encoder, transformers' {@code CLIPEncoderLayer}: causal self-attention,
 * then the MLP, each after a LayerNorm and added to its input.
 */
final class CLIPEncoderLayer extends Module {
    private final CLIPAttention selfAttn;
    private final LayerNorm layerNorm1;
    private final CLIPMLP mlp;
    private final LayerNorm layerNorm2;

    CLIPEncoderLayer(CLIPTextConfig c) {
        this.selfAttn = child("self_attn", new CLIPAttention(c));
        this.layerNorm1 = child("layer_norm1", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
        this.mlp = child("mlp", new CLIPMLP(c));
        this.layerNorm2 = child("layer_norm2", new LayerNorm(c.hiddenSize(), c.layerNormEps()));
    }

    /** (B, T, D), causal mask (T, T) → (B, T, D). */
    NDArray forward(NDArray x, NDArray causalMask) {
        x = x.add(selfAttn.forward(layerNorm1.forward(x), causalMask)); // (B, T, D)
        return x.add(mlp.forward(layerNorm2.forward(x))); // (B, T, D)
    }
}
