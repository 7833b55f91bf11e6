package io.kiln.engine.train.shapes;

import io.kiln.engine.model.tokenizer.ByteEncoder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * A CLIP tokenizer folder for the shapes world's captions, loadable by {@link
 * io.kiln.engine.model.tokenizer.ClipTokenizer} and by transformers' {@code CLIPTokenizer}. Its {@code vocab.json} is
 * laid out as CLIP's: the 256 byte symbols, the same 256 with {@code </w>}, one entry per merge in rank order, then
 * {@code <|startoftext|>} and {@code <|endoftext|>}. The merges are learnt ({@link BpeTrainer}) over the caption words,
 * so that every caption word is one token and a caption is one token per word and comma; any other text still
 * tokenizes, into byte symbols.
 */
public final class ShapesVocabulary {
    private static final String START = "<|startoftext|>";
    private static final String END = "<|endoftext|>";
    /**
     * The text encoder's sequence: the longest caption is 14 tokens with its start and end. CLIP's 77 would leave the
     * cross-attention five parts padding, near-identical whatever the caption, to one part of caption.
     */
    static final int MAX_LENGTH = 16;

    private static final JsonMapper JSON = JsonMapper.builder().build();

    private ShapesVocabulary() {}

    /** Writes {@code vocab.json}, {@code merges.txt}, {@code tokenizer_config.json}, {@code special_tokens_map.json}. */
    public static void write(Path tokenizerDir) throws IOException {
        List<BpeTrainer.Merge> merges = BpeTrainer.learn(letterWords());
        Files.createDirectories(tokenizerDir);
        Files.writeString(tokenizerDir.resolve("vocab.json"), JSON.writeValueAsString(vocabulary(merges)));
        Files.writeString(tokenizerDir.resolve("merges.txt"), mergesText(merges), StandardCharsets.UTF_8);
        Files.writeString(
                tokenizerDir.resolve("tokenizer_config.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(tokenizerConfig()));
        Files.writeString(
                tokenizerDir.resolve("special_tokens_map.json"),
                JSON.writerWithDefaultPrettyPrinter().writeValueAsString(specialTokensMap()));
    }

    /**
     * The caption words BPE has to join, byte-encoded as the tokenizer sees them; the comma is left out, since it is a
     * byte symbol of its own already.
     */
    private static List<String> letterWords() {
        List<String> words = new ArrayList<>();
        for (String word : CaptionTemplate.words()) {
            if (word.chars().allMatch(Character::isLetter)) {
                words.add(ByteEncoder.encode(word));
            }
        }
        return words;
    }

    private static Map<String, Integer> vocabulary(List<BpeTrainer.Merge> merges) {
        Map<String, Integer> vocab = new LinkedHashMap<>();
        String alphabet = ByteEncoder.alphabet();
        for (int i = 0; i < alphabet.length(); i++) {
            vocab.put(String.valueOf(alphabet.charAt(i)), vocab.size());
        }
        for (int i = 0; i < alphabet.length(); i++) {
            vocab.put(alphabet.charAt(i) + BpeTrainer.END_OF_WORD, vocab.size());
        }
        for (BpeTrainer.Merge merge : merges) {
            // Two merges can spell the same symbol ("ab"+"c", "a"+"bc"); it keeps its first id.
            vocab.putIfAbsent(merge.merged(), vocab.size());
        }
        vocab.put(START, vocab.size());
        vocab.put(END, vocab.size());
        return vocab;
    }

    private static String mergesText(List<BpeTrainer.Merge> merges) {
        StringBuilder text = new StringBuilder("#version: 0.2\n");
        for (BpeTrainer.Merge merge : merges) {
            text.append(merge.first()).append(' ').append(merge.second()).append('\n');
        }
        return text.toString();
    }

    /** transformers' {@code tokenizer_config.json} for a CLIP tokenizer, without a hub model's name. */
    private static ObjectNode tokenizerConfig() {
        ObjectNode config = JSON.createObjectNode();
        config.put("add_prefix_space", false);
        config.set("bos_token", addedToken(START));
        config.put("do_lower_case", true);
        config.set("eos_token", addedToken(END));
        config.put("errors", "replace");
        config.put("model_max_length", MAX_LENGTH);
        config.put("pad_token", END);
        config.put("tokenizer_class", "CLIPTokenizer");
        config.set("unk_token", addedToken(END));
        return config;
    }

    private static ObjectNode specialTokensMap() {
        ObjectNode map = JSON.createObjectNode();
        map.set("bos_token", addedToken(START));
        map.set("eos_token", addedToken(END));
        map.put("pad_token", END);
        map.set("unk_token", addedToken(END));
        return map;
    }

    private static ObjectNode addedToken(String content) {
        ObjectNode token = JSON.createObjectNode();
        token.put("content", content);
        token.put("lstrip", false);
        token.put("normalized", true);
        token.put("rstrip", false);
        token.put("single_word", false);
        return token;
    }
}
