package io.kiln.engine.model.clip;

import ai.djl.ndarray.NDArray;
import java.util.List;

/**
 * What the text encoder returns, transformers' {@code BaseModelOutputWithPooling}. The arrays belong to the caller.
 *
 * <p>Shapes: B batch, T tokens, D hidden size, L layers.
 *
 * @param lastHiddenState (B, T, D), the last layer's output after {@code final_layer_norm}: SD 1.x's prompt embedding
 * @param poolerOutput (B, D), the last hidden state at each sequence's end-of-text token
 * @param hiddenStates when requested, L + 1 arrays (B, T, D): the embeddings at index 0, then the output of layer k at
 *     index k, before {@code final_layer_norm}; empty otherwise
 */
public record TextEncoderOutput(NDArray lastHiddenState, NDArray poolerOutput, List<NDArray> hiddenStates) {
    public TextEncoderOutput {
        hiddenStates = List.copyOf(hiddenStates);
    }

    /** Every array of the output, for handing them on together. */
    public List<NDArray> arrays() {
        List<NDArray> all = new java.util.ArrayList<>(hiddenStates);
        all.add(lastHiddenState);
        all.add(poolerOutput);
        return all;
    }
}
