package io.kiln.engine.train.shapes;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Learns byte-pair merges over a word list, as the BPE training of Sennrich et al. (2016) does: each word starts as
 * its characters, the last one carrying CLIP's end-of-word marker {@code </w>}; then, again and again, the most
 * frequent adjacent pair of symbols across the words is merged everywhere, left to right, until every word is one
 * symbol. Ties go to the pair that sorts first, first symbol then second, so the merges depend only on the words.
 *
 * <p>Why training and not one chain of merges per word: CLIP's encoder applies, in any word, the lowest-ranked merge
 * it can, so the merges of one word would split another that shares their pairs. Merges learnt over all words at
 * once are applied in the order they were learnt, which rebuilds each word exactly.
 */
final class BpeTrainer {
    static final String END_OF_WORD = "</w>";

    private BpeTrainer() {}

    /** A learnt merge: two adjacent symbols that become one. */
    record Merge(String first, String second) {
        String merged() {
            return first + second;
        }
    }

    /** The merges, in rank order, that turn every one of {@code words} (distinct, non-empty) into one symbol. */
    static List<Merge> learn(Collection<String> words) {
        List<List<String>> segmented = new ArrayList<>();
        for (String word : words) {
            List<String> symbols = new ArrayList<>();
            for (int i = 0; i < word.length() - 1; i++) {
                symbols.add(String.valueOf(word.charAt(i)));
            }
            symbols.add(word.charAt(word.length() - 1) + END_OF_WORD);
            segmented.add(symbols);
        }
        List<Merge> merges = new ArrayList<>();
        while (true) {
            Map<Merge, Integer> counts =
                    new TreeMap<>(Comparator.comparing(Merge::first).thenComparing(Merge::second));
            for (List<String> symbols : segmented) {
                for (int i = 0; i + 1 < symbols.size(); i++) {
                    counts.merge(new Merge(symbols.get(i), symbols.get(i + 1)), 1, Integer::sum);
                }
            }
            if (counts.isEmpty()) {
                return merges;
            }
            // The first maximum in sorted order: the tie-break.
            Merge best = null;
            int bestCount = 0;
            for (Map.Entry<Merge, Integer> entry : counts.entrySet()) {
                if (entry.getValue() > bestCount) {
                    best = entry.getKey();
                    bestCount = entry.getValue();
                }
            }
            merges.add(best);
            for (int w = 0; w < segmented.size(); w++) {
                segmented.set(w, apply(best, segmented.get(w)));
            }
        }
    }

    /** {@code symbols} with every occurrence of the pair merged, left to right, as CLIP's encoder merges. */
    private static List<String> apply(Merge merge, List<String> symbols) {
        List<String> merged = new ArrayList<>(symbols.size());
        for (int i = 0; i < symbols.size(); i++) {
            if (i + 1 < symbols.size()
                    && symbols.get(i).equals(merge.first())
                    && symbols.get(i + 1).equals(merge.second())) {
                merged.add(merge.merged());
                i++;
            } else {
                merged.add(symbols.get(i));
            }
        }
        return merged;
    }
}
