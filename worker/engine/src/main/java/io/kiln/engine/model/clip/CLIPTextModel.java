package io.kiln.engine.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.nn.Container;
import io.kiln.engine.model.nn.LayerNorm;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.ModuleList;
import io.kiln.engine.model.nn.Scopes;
import java.util.ArrayList;
import java.util.List;

/**
 * The text encoder τ_θ of Stable Diffusion 1.x: the text half of CLIP (Radford et al. 2021, "Learning Transferable
 * Visual Models From Natural Language Supervision"), a causal pre-norm transformer over the tokenizer's {@code model_max_length} BPE tokens (77 in SD 1.x). Module paths
 * equal transformers' {@code CLIPTextModel} keys; its {@code CLIPTextTransformer} ({@code text_model}) and
 * {@code CLIPEncoder} ({@code text_model.encoder}) only nest the keys, so their forward passes are written out here.
 *
 * <p>Shapes: B batch, T tokens (≤ max_position_embeddings), D hidden size.
 */
public final class CLIPTextModel extends Module {
    /**
     * Configs saved before transformers 4.31 (PR #24773) carry the old default {@code eos_token_id} 2 whatever the
     * tokenizer's end-of-text id; for them transformers pools at the largest id instead, which is the end-of-text token
     * in CLIP's vocabulary.
     */
    private static final int LEGACY_EOS_TOKEN_ID = 2;

    private final CLIPTextConfig config;
    private final CLIPTextEmbeddings embeddings;
    private final ModuleList<CLIPEncoderLayer> layers;
    private final LayerNorm finalLayerNorm;

    public CLIPTextModel(CLIPTextConfig config) {
        this.config = config;
        Container textModel = child("text_model", new Container());
        this.embeddings = textModel.add("embeddings", new CLIPTextEmbeddings(config));
        this.layers = textModel
                .add("encoder", new Container())
                .add("layers", new ModuleList<>(config.numHiddenLayers(), i -> new CLIPEncoderLayer(config)));
        this.finalLayerNorm =
                textModel.add("final_layer_norm", new LayerNorm(config.hiddenSize(), config.layerNormEps()));
    }

    public CLIPTextConfig config() {
        return config;
    }

    /** Encodes token ids without keeping the hidden states of the layers; see {@link #forward(NDArray, boolean)}. */
    public TextEncoderOutput forward(NDArray inputIds) {
        return forward(inputIds, false);
    }

    /**
     * Encodes token ids, padded to their full length: attention is causal, so padding never changes the tokens
     * before it and no attention mask is taken (SD 1.x passes none).
     *
     * @param inputIds (B, T) integer ids, int64 as the tokenizer gives them
     * @param outputHiddenStates whether to return the embeddings and every layer's output too, for "clip skip"
     * @return the outputs, owned by the caller; every intermediate array is released
     */
    public TextEncoderOutput forward(NDArray inputIds, boolean outputHiddenStates) {
        Shape shape = inputIds.getShape();
        if (shape.dimension() != 2 || shape.get(1) > config.maxPositionEmbeddings()) {
            throw new IllegalArgumentException(
                    "input ids must be (B, T) with T ≤ " + config.maxPositionEmbeddings() + ", got " + shape);
        }
        return Scopes.scoped(() -> encode(inputIds, outputHiddenStates), TextEncoderOutput::arrays);
    }

    /**
     * Applies {@code final_layer_norm} to a hidden state, as diffusers does with the output of an earlier layer when
     * a pipeline skips the last layers of CLIP ({@code clip_skip}).
     *
     * @param hiddenState (B, T, D), one of {@link TextEncoderOutput#hiddenStates()}
     * @return (B, T, D), owned by the caller
     */
    public NDArray finalLayerNorm(NDArray hiddenState) {
        return finalLayerNorm.forward(hiddenState);
    }

    private TextEncoderOutput encode(NDArray inputIds, boolean outputHiddenStates) {
        List<NDArray> hiddenStates = new ArrayList<>();
        NDArray h = embeddings.forward(inputIds); // (B, T, D)
        NDArray mask = causalMask(inputIds.getManager(), inputIds.getShape().get(1), h.getDataType()); // (T, T)
        for (CLIPEncoderLayer layer : layers) {
            if (outputHiddenStates) {
                hiddenStates.add(h);
            }
            h = layer.forward(h, mask); // (B, T, D)
        }
        if (outputHiddenStates) {
            hiddenStates.add(h);
        }
        NDArray last = finalLayerNorm.forward(h); // (B, T, D)
        return new TextEncoderOutput(last, pool(last, inputIds), hiddenStates);
    }

    /**
     * 0 on and below the diagonal and the most negative float above it, as transformers builds it: added to the
     * scores, it leaves every token only itself and the tokens before it to attend to. (T, T).
     */
    private static NDArray causalMask(NDManager manager, long tokens, DataType dtype) {
        NDArray positions = manager.arange(0, Math.toIntExact(tokens), 1, DataType.INT64); // (T)
        NDArray later = positions.expandDims(0).gt(positions.expandDims(1)); // (T, T): key j > query i
        Shape square = new Shape(tokens, tokens);
        return NDArrays.where(later, manager.full(square, -Float.MAX_VALUE, dtype), manager.zeros(square, dtype));
    }

    /** The last hidden state at each sequence's end-of-text token: (B, T, D), ids (B, T) → (B, D). */
    private NDArray pool(NDArray lastHiddenState, NDArray inputIds) {
        NDArray eosPositions = config.eosTokenId() == LEGACY_EOS_TOKEN_ID
                ? inputIds.argMax(1) // (B)
                : inputIds.eq(config.eosTokenId()).toType(DataType.INT32, false).argMax(1); // (B): the first eos
        long[] d = lastHiddenState.getShape().getShape();
        NDArray index = eosPositions.reshape(d[0], 1, 1).broadcast(d[0], 1, d[2]); // (B, 1, D)
        return lastHiddenState.gather(index, 1).squeeze(1); // (B, D)
    }
}
