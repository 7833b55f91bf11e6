package io.kiln.engine.model.tokenizer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;

/**
 * Cuts the special tokens' literal text out of a prompt before anything else sees it, as the slow tokenizers'
 * {@code tokens_trie.split} does (transformers {@code PreTrainedTokenizer.tokenize}): at the leftmost position where
 * one starts, the longest wins. The match is exact and case-sensitive; the text around a match is not stripped,
 * because the special tokens of CLIP tokenizers are declared with {@code lstrip} and {@code rstrip} false.
 */
final class SpecialTokenSplitter {
    private final List<String> longestFirst;

    SpecialTokenSplitter(Set<String> specialTokens) {
        this.longestFirst = specialTokens.stream()
                .filter(token -> !token.isEmpty())
                .sorted(Comparator.comparingInt(String::length).reversed())
                .toList();
    }

    /** The pieces of {@code text} in order: special tokens alone, the text between them; no empty pieces. */
    List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        int start = 0;
        for (int i = 0; i < text.length(); i++) {
            String token = tokenAt(text, i);
            if (token != null) {
                if (i > start) {
                    pieces.add(text.substring(start, i));
                }
                pieces.add(token);
                start = i + token.length();
                i = start - 1;
            }
        }
        if (start < text.length()) {
            pieces.add(text.substring(start));
        }
        return pieces;
    }

    private String tokenAt(String text, int position) {
        for (String token : longestFirst) {
            if (text.startsWith(token, position)) {
                return token;
            }
        }
        return null;
    }
}
