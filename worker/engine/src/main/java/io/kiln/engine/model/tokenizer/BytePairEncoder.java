package io.kiln.engine.model.tokenizer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * CLIP's byte-pair encoding of one pre-tokenised, byte-encoded word ({@code CLIPTokenizer.bpe}): the last symbol
 * carries the end-of-word marker {@code </w>}, then the adjacent pair with the lowest merge rank is merged, every
 * occurrence left to right, until no adjacent pair has a rank. Thread-safe.
 */
final class BytePairEncoder {
    static final String END_OF_WORD = "</w>";

    /**
     * How many merges the reference reads: {@code merges[1 : 49152 - 256 - 2 + 1]}, i.e. after the version line,
     * the merges that with the 256 byte tokens, their 256 end-of-word forms and the 2 special tokens fill CLIP's
     * 49408-id vocabulary. Lines beyond it are ignored, as in transformers and openai/CLIP.
     */
    private static final int MAX_MERGES = 49152 - 256 - 2;

    /** Beyond this many distinct words the cache stops growing, so arbitrary prompts cannot exhaust memory. */
    private static final int CACHE_LIMIT = 100_000;

    private final Map<SymbolPair, Integer> ranks;
    private final Set<String> atomicWords;
    private final Map<String, List<String>> cache = new ConcurrentHashMap<>();

    private BytePairEncoder(Map<SymbolPair, Integer> ranks, Set<String> atomicWords) {
        this.ranks = ranks;
        this.atomicWords = atomicWords;
    }

    /**
     * Reads the ranked merges of a {@code merges.txt}: the first line is the version comment; each following line
     * holds the two symbols of one merge, ranked by position. Words in {@code atomicWords} are never split: the
     * reference seeds its cache with {@code <|startoftext|>} and {@code <|endoftext|>} so that these come out whole
     * even when typed inside a prompt in another case.
     */
    static BytePairEncoder load(Path mergesFile, Set<String> atomicWords) {
        String text;
        try {
            text = Files.readString(mergesFile, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + mergesFile, e);
        }
        String[] lines = text.strip().split("\n", -1);
        Map<SymbolPair, Integer> ranks = new HashMap<>();
        for (int rank = 0; rank < Math.min(lines.length - 1, MAX_MERGES); rank++) {
            String[] symbols = lines[rank + 1].strip().split("\\s+");
            // Like the reference's dict(zip(merges, ranks)), a repeated merge keeps its last rank; a line that is
            // not two symbols uses up a rank but can never match.
            if (symbols.length == 2) {
                ranks.put(new SymbolPair(symbols[0], symbols[1]), rank);
            }
        }
        return new BytePairEncoder(Map.copyOf(ranks), Set.copyOf(atomicWords));
    }

    /** The symbols {@code word} (non-empty, already byte-encoded) merges into; the last ends in {@code </w>}. */
    List<String> encode(String word) {
        if (atomicWords.contains(word)) {
            return List.of(word);
        }
        List<String> cached = cache.get(word);
        if (cached != null) {
            return cached;
        }
        List<String> symbols = List.copyOf(merge(word));
        if (cache.size() < CACHE_LIMIT) {
            cache.put(word, symbols);
        }
        return symbols;
    }

    private List<String> merge(String word) {
        List<String> symbols = new ArrayList<>(word.length());
        for (int i = 0; i < word.length() - 1; i++) {
            symbols.add(String.valueOf(word.charAt(i)));
        }
        symbols.add(word.charAt(word.length() - 1) + END_OF_WORD);
        while (symbols.size() > 1) {
            SymbolPair best = lowestRankedPair(symbols);
            if (best == null) {
                break;
            }
            List<String> merged = new ArrayList<>(symbols.size() - 1);
            for (int i = 0; i < symbols.size(); i++) {
                if (i + 1 < symbols.size()
                        && symbols.get(i).equals(best.first())
                        && symbols.get(i + 1).equals(best.second())) {
                    merged.add(best.first() + best.second());
                    i++;
                } else {
                    merged.add(symbols.get(i));
                }
            }
            symbols = merged;
        }
        return symbols;
    }

    private SymbolPair lowestRankedPair(List<String> symbols) {
        SymbolPair best = null;
        int bestRank = Integer.MAX_VALUE;
        for (int i = 0; i + 1 < symbols.size(); i++) {
            SymbolPair pair = new SymbolPair(symbols.get(i), symbols.get(i + 1));
            Integer rank = ranks.get(pair);
            if (rank != null && rank < bestRank) {
                best = pair;
                bestRank = rank;
            }
        }
        return best;
    }

    /** Two adjacent symbols, the key of the merge ranks. */
    private record SymbolPair(String first, String second) {}
}
