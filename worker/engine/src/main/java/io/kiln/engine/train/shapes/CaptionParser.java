package io.kiln.engine.train.shapes;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * Reads what a free prompt states about its image, so that a user's own prompts can be scored as the built-in ones
 * are. It understands every caption {@link CaptionTemplate} writes and the same words in other orders:
 *
 * <ul>
 *   <li><b>Shape</b>: "circle", "square" or "triangle"; the noun "shape" states none.
 *   <li><b>Colour</b>: the colour word right before the noun, or before the size word before it ("red large circle").
 *   <li><b>Size</b>: "small" or "large" before the noun, with at most a colour word between.
 *   <li><b>Background</b>: the colour word right before "background", the first such pair.
 *   <li><b>Placement</b>: the first of "top left", "top", "left", "center" (or "centre", "middle") and the like,
 *       with or without "at the", "on the", "in the" before it.
 * </ul>
 *
 * What it does not find, it leaves unstated, and so unscored: a prompt it cannot read at all states nothing.
 */
public final class CaptionParser {
    private static final String BACKGROUND = "background";

    private CaptionParser() {}

    /** What {@code prompt} states; {@link Expectation#NOTHING} when it states nothing this world knows. */
    public static Expectation parse(String prompt) {
        List<String> words = Arrays.stream(prompt.toLowerCase(Locale.ROOT).split("[^a-z]+"))
                .filter(word -> !word.isEmpty())
                .toList();
        int noun = nounAt(words);
        ShapeKind shape = null;
        Colour colour = null;
        Size size = null;
        if (noun >= 0) {
            shape = shape(words.get(noun)).orElse(null);
            int before = noun - 1;
            size = wordAt(words, before, CaptionParser::size).orElse(null);
            if (size != null) {
                before--;
            }
            colour = wordAt(words, before, CaptionParser::colour).orElse(null);
            if (colour != null && size == null) {
                size = wordAt(words, before - 1, CaptionParser::size).orElse(null);
            }
        }
        return new Expectation(shape, colour, background(words), placement(words), size);
    }

    /** The first shape noun or "shape"; -1 when there is none. */
    private static int nounAt(List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            if (words.get(i).equals("shape") || shape(words.get(i)).isPresent()) {
                return i;
            }
        }
        return -1;
    }

    /** The colour word right before the first "background" that has one. */
    private static Colour background(List<String> words) {
        for (int i = 1; i < words.size(); i++) {
            Optional<Colour> colour = colour(words.get(i - 1));
            if (words.get(i).equals(BACKGROUND) && colour.isPresent()) {
                return colour.get();
            }
        }
        return null;
    }

    /** The first placement phrase; "top" or "bottom" joins a "left" or "right" right after it. */
    private static Placement placement(List<String> words) {
        for (int i = 0; i < words.size(); i++) {
            String word = words.get(i);
            String next = i + 1 < words.size() ? words.get(i + 1) : "";
            switch (word) {
                case "top", "bottom" -> {
                    boolean corner = next.equals("left") || next.equals("right");
                    return Placement.valueOf((corner ? word + "_" + next : word).toUpperCase(Locale.ROOT));
                }
                case "left", "right" -> {
                    return Placement.valueOf(word.toUpperCase(Locale.ROOT));
                }
                case "center", "centre", "middle" -> {
                    return Placement.CENTER;
                }
                default -> {}
            }
        }
        return null;
    }

    private static <T> Optional<T> wordAt(List<String> words, int index, Function<String, Optional<T>> reading) {
        return index < 0 ? Optional.empty() : reading.apply(words.get(index));
    }

    private static Optional<ShapeKind> shape(String word) {
        return Arrays.stream(ShapeKind.values())
                .filter(kind -> kind.word().equals(word))
                .findFirst();
    }

    private static Optional<Colour> colour(String word) {
        return Arrays.stream(Colour.values())
                .filter(colour -> colour.word().equals(word))
                .findFirst();
    }

    private static Optional<Size> size(String word) {
        return Arrays.stream(Size.values())
                .filter(size -> size.word().equals(word))
                .findFirst();
    }
}
