package io.kiln.engine.model.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The special tokens and length limit of a tokenizer folder, read as transformers' {@code from_pretrained} reads
 * them: {@code tokenizer_config.json} first, then {@code special_tokens_map.json} overriding it, each token given as
 * a string or as an object with a {@code content}. Absent entries take {@code CLIPTokenizer}'s defaults.
 *
 * @param bos the start token, prepended to every prompt
 * @param eos the end token, appended after the last kept BPE token
 * @param pad the token that fills the ids up to {@code maxLength}: {@code <|endoftext|>} in SD 1.x, {@code !} in
 *     some SD 2.x folders
 * @param unk the token for BPE symbols missing from the vocabulary
 * @param additional any {@code additional_special_tokens}
 * @param maxLength {@code model_max_length}, the fixed id count the text encoder reads
 */
record TokenizerConfig(String bos, String eos, String pad, String unk, List<String> additional, int maxLength) {
    /** The length CLIP's text encoder was trained with: 77 positions. */
    private static final int CLIP_MAX_LENGTH = 77;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    TokenizerConfig {
        additional = List.copyOf(additional);
        if (maxLength < 2) {
            throw new IllegalArgumentException("model_max_length " + maxLength + " leaves no room for start and end");
        }
    }

    /** Every special token, which the reference cuts out of prompts before tokenizing them. */
    Set<String> specialTokens() {
        Set<String> tokens = new LinkedHashSet<>(List.of(bos, eos, unk, pad));
        tokens.addAll(additional);
        return tokens;
    }

    static TokenizerConfig read(Path dir) {
        JsonNode config = readOptional(dir.resolve("tokenizer_config.json"));
        JsonNode map = readOptional(dir.resolve("special_tokens_map.json"));
        List<String> additional = new ArrayList<>();
        JsonNode extra = map.has("additional_special_tokens")
                ? map.get("additional_special_tokens")
                : config.path("additional_special_tokens");
        extra.forEach(token -> additional.add(content(token)));
        JsonNode maxLength = config.path("model_max_length");
        if (!maxLength.isMissingNode() && !maxLength.isInt()) {
            throw new IllegalArgumentException(dir + ": model_max_length " + maxLength + " is not an int");
        }
        return new TokenizerConfig(
                token(config, map, "bos_token", "<|startoftext|>"),
                token(config, map, "eos_token", "<|endoftext|>"),
                token(config, map, "pad_token", "<|endoftext|>"),
                token(config, map, "unk_token", "<|endoftext|>"),
                additional,
                maxLength.asInt(CLIP_MAX_LENGTH));
    }

    private static String token(JsonNode config, JsonNode map, String key, String fallback) {
        JsonNode node = map.hasNonNull(key) ? map.get(key) : config.get(key);
        return node == null || node.isNull() ? fallback : content(node);
    }

    private static String content(JsonNode token) {
        return token.isObject() ? token.path("content").asString() : token.asString();
    }

    private static JsonNode readOptional(Path file) {
        if (!Files.exists(file)) {
            return JSON.createObjectNode();
        }
        try {
            return JSON.readTree(Files.readAllBytes(file));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": corrupt JSON: " + e.getOriginalMessage(), e);
        }
    }
}
