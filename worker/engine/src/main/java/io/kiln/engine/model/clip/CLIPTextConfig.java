package io.kiln.engine.model.clip;

import static io.kiln.engine.model.load.ConfigJson.integer;
import static io.kiln.engine.model.load.ConfigJson.number;
import static io.kiln.engine.model.load.ConfigJson.positive;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The settings of transformers' {@code CLIPTextModel}, read from a {@code text_encoder/config.json}. transformers
 * writes only the values that differ from its defaults, so an absent field takes {@code CLIPTextConfig}'s default.
 *
 * @param vocabSize rows of the token embedding
 * @param hiddenSize the width D of every token's state
 * @param intermediateSize the width of the MLP between its two layers
 * @param numAttentionHeads heads per self-attention; D must split into them
 * @param numHiddenLayers encoder layers
 * @param maxPositionEmbeddings the longest sequence, 77 for CLIP
 * @param layerNormEps the epsilon of every LayerNorm
 * @param hiddenAct the MLP activation
 * @param bosTokenId the start-of-text id as configured
 * @param eosTokenId the end-of-text id as configured; 2 marks old configs whose true end-of-text id is the largest in
 *     the vocabulary (SD 1.x's), see {@link CLIPTextModel}
 * @param padTokenId the padding id as configured
 */
public record CLIPTextConfig(
        int vocabSize,
        int hiddenSize,
        int intermediateSize,
        int numAttentionHeads,
        int numHiddenLayers,
        int maxPositionEmbeddings,
        float layerNormEps,
        HiddenAct hiddenAct,
        int bosTokenId,
        int eosTokenId,
        int padTokenId) {

    public CLIPTextConfig {
        List<String> bad = new ArrayList<>();
        positive(bad, "vocab_size", vocabSize);
        positive(bad, "hidden_size", hiddenSize);
        positive(bad, "intermediate_size", intermediateSize);
        positive(bad, "num_attention_heads", numAttentionHeads);
        positive(bad, "num_hidden_layers", numHiddenLayers);
        positive(bad, "max_position_embeddings", maxPositionEmbeddings);
        if (numAttentionHeads > 0 && hiddenSize % numAttentionHeads != 0) {
            bad.add("hidden_size: " + hiddenSize + " does not split into num_attention_heads " + numAttentionHeads);
        }
        if (!(layerNormEps > 0)) {
            bad.add("layer_norm_eps: must be > 0, got " + layerNormEps);
        }
        if (hiddenAct == null) {
            bad.add("hidden_act: must be set");
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException("invalid text encoder config: " + String.join("; ", bad));
        }
    }

    /** The width of one attention head. */
    public int headDim() {
        return hiddenSize / numAttentionHeads;
    }

    /** Reads a transformers {@code text_encoder/config.json}. */
    public static CLIPTextConfig read(Path file) throws IOException {
        return parse(JsonMapper.shared().readTree(Files.readString(file)));
    }

    static CLIPTextConfig parse(JsonNode c) {
        return new CLIPTextConfig(
                integer(c, "vocab_size", 49408),
                integer(c, "hidden_size", 512),
                integer(c, "intermediate_size", 2048),
                integer(c, "num_attention_heads", 8),
                integer(c, "num_hidden_layers", 12),
                integer(c, "max_position_embeddings", 77),
                (float) number(c, "layer_norm_eps", 1e-5),
                HiddenAct.named(c.path("hidden_act").asString("quick_gelu")),
                integer(c, "bos_token_id", 49406),
                integer(c, "eos_token_id", 49407),
                integer(c, "pad_token_id", 1));
    }
}
