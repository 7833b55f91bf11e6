package io.kiln.engine.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.DataType;
import io.kiln.engine.model.nn.Module;

/** The input of the text transformer, transformers' {@code CLIPTextEmbeddings}: token plus learned position vectors. */
final class CLIPTextEmbeddings extends Module {
    private final Embedding tokenEmbedding;
    private final Embedding positionEmbedding;

    CLIPTextEmbeddings(CLIPTextConfig c) {
        this.tokenEmbedding = child("token_embedding", new Embedding(c.vocabSize(), c.hiddenSize()));
        this.positionEmbedding = child("position_embedding", new Embedding(c.maxPositionEmbeddings(), c.hiddenSize()));
    }

    /** Ids (B, T) → (B, T, D). */
    NDArray forward(NDArray inputIds) {
        int tokens = Math.toIntExact(inputIds.getShape().get(1));
        NDArray positions = inputIds.getManager().arange(0, tokens, 1, DataType.INT64); // (T)
        return tokenEmbedding.forward(inputIds).add(positionEmbedding.forward(positions)); // (B, T, D) + (T, D)
    }
}
