package io.kiln.engine.train.shapes;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * The ways a caption may be phrased, all lower-case plain English. Each template says exactly the attributes it is
 * given and drops the phrase of every other: with the shape left out the noun is "shape", with colour or size left
 * out the adjective goes. The article agrees with the word after it ("an orange circle", "a large orange circle").
 *
 * <p>The examples below mention everything; {@link #words()} is every word any of them can produce.
 */
enum CaptionTemplate {
    /** "a small red circle on a blue background, top left". */
    ON_BACKGROUND_THEN_WHERE,
    /** "small yellow triangle at the bottom, green background". */
    BARE_WHERE_THEN_BACKGROUND,
    /** "a large red square at the top left on an orange background". */
    WHERE_THEN_ON_BACKGROUND,
    /** "a blue background with a small white circle in the center". */
    BACKGROUND_WITH_SHAPE,
    /** "large purple triangle, black background, bottom right". */
    LIST;

    private static final String BACKGROUND = "background";
    private static final String SHAPE_NOUN = "shape";
    private static final List<String> GLUE = List.of("a", "an", "on", "at", "in", "the", "with", ",", BACKGROUND);

    /** The caption of {@code scene} that says what {@code mentioned} holds and nothing else. */
    String write(Scene scene, Set<Attribute> mentioned) {
        Phrases say = new Phrases(scene, mentioned);
        return switch (this) {
            case ON_BACKGROUND_THEN_WHERE ->
                withArticle(say.object())
                        + prefixed(" on ", withArticle(say.backgroundNoun()))
                        + prefixed(", ", say.where());
            case BARE_WHERE_THEN_BACKGROUND ->
                String.join(" ", say.object())
                        + prefixed(" ", say.whereInWords())
                        + prefixed(", ", String.join(" ", say.backgroundNoun()));
            case WHERE_THEN_ON_BACKGROUND ->
                withArticle(say.object())
                        + prefixed(" ", say.whereInWords())
                        + prefixed(" on ", withArticle(say.backgroundNoun()));
            case BACKGROUND_WITH_SHAPE ->
                suffixed(withArticle(say.backgroundNoun()), " with ")
                        + withArticle(say.object())
                        + prefixed(" ", say.whereInWords());
            case LIST ->
                String.join(" ", say.object())
                        + prefixed(", ", String.join(" ", say.backgroundNoun()))
                        + prefixed(", ", say.where());
        };
    }

    /** Every word a caption can contain, the comma included, in a fixed order. */
    static SortedSet<String> words() {
        SortedSet<String> words = new TreeSet<>(GLUE);
        words.add(SHAPE_NOUN);
        Arrays.stream(ShapeKind.values()).map(ShapeKind::word).forEach(words::add);
        Arrays.stream(Colour.values()).map(Colour::word).forEach(words::add);
        Arrays.stream(Size.values()).map(Size::word).forEach(words::add);
        Arrays.stream(Placement.values())
                .flatMap(placement -> Arrays.stream(phrase(placement).split(" ")))
                .forEach(words::add);
        return words;
    }

    private static String prefixed(String separator, String phrase) {
        return phrase.isEmpty() ? "" : separator + phrase;
    }

    private static String suffixed(String phrase, String separator) {
        return phrase.isEmpty() ? "" : phrase + separator;
    }

    /** "a" or "an" by the first letter of the word it comes before, then the words. */
    private static String withArticle(List<String> words) {
        if (words.isEmpty()) {
            return "";
        }
        String article = "aeiou".indexOf(words.getFirst().charAt(0)) >= 0 ? "an" : "a";
        return article + " " + String.join(" ", words);
    }

    /** The placement as an adverbial phrase: "on the left", "at the top", "in the center", "at the top left". */
    private static String phrase(Placement placement) {
        return switch (placement) {
            case LEFT, RIGHT -> "on the " + placement.words();
            case CENTER -> "in the center";
            default -> "at the " + placement.words();
        };
    }

    /** The parts of one caption; a part is empty when its attribute is not mentioned. */
    private record Phrases(Scene scene, Set<Attribute> mentioned) {
        /** Size, colour and noun: "large orange circle", "orange shape", "circle". */
        List<String> object() {
            List<String> words = new ArrayList<>(3);
            if (mentioned.contains(Attribute.SIZE)) {
                words.add(scene.size().word());
            }
            if (mentioned.contains(Attribute.COLOUR)) {
                words.add(scene.colour().word());
            }
            words.add(mentioned.contains(Attribute.SHAPE) ? scene.shape().word() : SHAPE_NOUN);
            return words;
        }

        /** "blue background", or nothing. */
        List<String> backgroundNoun() {
            return mentioned.contains(Attribute.BACKGROUND)
                    ? List.of(scene.background().word(), BACKGROUND)
                    : List.of();
        }

        /** "top left", or nothing. */
        String where() {
            return mentioned.contains(Attribute.PLACEMENT) ? scene.placement().words() : "";
        }

        /** "at the top left", or nothing. */
        String whereInWords() {
            return mentioned.contains(Attribute.PLACEMENT) ? phrase(scene.placement()) : "";
        }
    }
}
