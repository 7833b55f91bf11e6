package io.kiln.engine.train.shapes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class CaptionTemplateTest {
    private static final Pattern WORD = Pattern.compile("[a-z]+|,");
    private static final Set<Attribute> ALL = EnumSet.allOf(Attribute.class);

    @Test
    void writesTheIssuesExamples() {
        Scene redCircle = new Scene(ShapeKind.CIRCLE, Colour.RED, Colour.BLUE, Placement.TOP_LEFT, Size.LARGE);
        Scene yellowTriangle = new Scene(ShapeKind.TRIANGLE, Colour.YELLOW, Colour.GREEN, Placement.BOTTOM, Size.SMALL);

        assertThat(CaptionTemplate.ON_BACKGROUND_THEN_WHERE.write(redCircle, allBut(Attribute.SIZE)))
                .isEqualTo("a red circle on a blue background, top left");
        assertThat(CaptionTemplate.BARE_WHERE_THEN_BACKGROUND.write(yellowTriangle, ALL))
                .isEqualTo("small yellow triangle at the bottom, green background");
    }

    @Test
    void writesEveryTemplateWithEverythingMentioned() {
        Scene scene = new Scene(ShapeKind.SQUARE, Colour.WHITE, Colour.ORANGE, Placement.LEFT, Size.LARGE);

        assertThat(List.of(CaptionTemplate.values()))
                .extracting(template -> template.write(scene, ALL))
                .containsExactly(
                        "a large white square on an orange background, left",
                        "large white square on the left, orange background",
                        "a large white square on the left on an orange background",
                        "an orange background with a large white square on the left",
                        "large white square, orange background, left");
    }

    @Test
    void choosesTheArticleByTheWordThatFollows() {
        Scene scene = new Scene(ShapeKind.CIRCLE, Colour.ORANGE, Colour.PURPLE, Placement.CENTER, Size.LARGE);
        CaptionTemplate template = CaptionTemplate.WHERE_THEN_ON_BACKGROUND;

        assertThat(template.write(scene, EnumSet.of(Attribute.COLOUR, Attribute.SHAPE)))
                .isEqualTo("an orange circle");
        assertThat(template.write(scene, EnumSet.of(Attribute.SIZE, Attribute.COLOUR, Attribute.SHAPE)))
                .isEqualTo("a large orange circle");
        assertThat(template.write(scene, EnumSet.of(Attribute.COLOUR, Attribute.PLACEMENT)))
                .isEqualTo("an orange shape in the center");
        assertThat(template.write(scene, EnumSet.of(Attribute.BACKGROUND))).isEqualTo("a shape on a purple background");
    }

    @Test
    void mentionsExactlyTheGivenAttributesInEveryTemplateAndScene() {
        for (Set<Attribute> mentioned : nonEmptySubsets()) {
            for (CaptionTemplate template : CaptionTemplate.values()) {
                for (Scene scene : Scenes.all()) {
                    String caption = template.write(scene, mentioned);
                    String noun =
                            mentioned.contains(Attribute.SHAPE) ? scene.shape().word() : "shape";
                    String colourAndNoun = scene.colour().word() + " " + noun;

                    assertThat(caption.contains(scene.shape().word()))
                            .as(caption)
                            .isEqualTo(mentioned.contains(Attribute.SHAPE));
                    assertThat(caption.contains(colourAndNoun))
                            .as(caption)
                            .isEqualTo(mentioned.contains(Attribute.COLOUR));
                    assertThat(caption.contains(scene.background().word() + " background"))
                            .as(caption)
                            .isEqualTo(mentioned.contains(Attribute.BACKGROUND));
                    assertThat(caption.contains("background"))
                            .as(caption)
                            .isEqualTo(mentioned.contains(Attribute.BACKGROUND));
                    assertThat(caption.contains(scene.placement().words()))
                            .as(caption)
                            .isEqualTo(mentioned.contains(Attribute.PLACEMENT));
                    assertThat(caption.matches(".*\\b(left|right|top|bottom|center)\\b.*"))
                            .as(caption)
                            .isEqualTo(mentioned.contains(Attribute.PLACEMENT));
                    assertThat(caption.contains(scene.size().word()))
                            .as(caption)
                            .isEqualTo(mentioned.contains(Attribute.SIZE));
                }
            }
        }
    }

    @Test
    void writesOnlyVocabularyWordsWithSingleSpacesAndCorrectArticles() {
        Set<String> vocabulary = CaptionTemplate.words();
        for (Set<Attribute> mentioned : nonEmptySubsets()) {
            for (CaptionTemplate template : CaptionTemplate.values()) {
                for (Scene scene : Scenes.all()) {
                    String caption = template.write(scene, mentioned);
                    List<String> words = words(caption);

                    assertThat(caption).as(caption).matches("[a-z]+((, | )[a-z]+)*");
                    assertThat(vocabulary).as(caption).containsAll(words);
                    for (int i = 0; i + 1 < words.size(); i++) {
                        boolean vowel = "aeiou".indexOf(words.get(i + 1).charAt(0)) >= 0;
                        if (words.get(i).equals("a")) {
                            assertThat(vowel).as(caption).isFalse();
                        }
                        if (words.get(i).equals("an")) {
                            assertThat(vowel).as(caption).isTrue();
                        }
                    }
                }
            }
        }
    }

    @Test
    void listsSingleWordsTheCommaIncluded() {
        assertThat(CaptionTemplate.words())
                .contains(",", "a", "an", "background", "shape", "orange", "triangle", "center", "large")
                .doesNotContain("top left");
    }

    private static Set<Attribute> allBut(Attribute left) {
        Set<Attribute> mentioned = EnumSet.allOf(Attribute.class);
        mentioned.remove(left);
        return mentioned;
    }

    private static List<Set<Attribute>> nonEmptySubsets() {
        Attribute[] attributes = Attribute.values();
        List<Set<Attribute>> subsets = new ArrayList<>();
        for (int mask = 1; mask < 1 << attributes.length; mask++) {
            Set<Attribute> subset = EnumSet.noneOf(Attribute.class);
            for (int i = 0; i < attributes.length; i++) {
                if ((mask & 1 << i) != 0) {
                    subset.add(attributes[i]);
                }
            }
            subsets.add(subset);
        }
        return subsets;
    }

    private static List<String> words(String caption) {
        List<String> words = new ArrayList<>();
        Matcher matcher = WORD.matcher(caption);
        while (matcher.find()) {
            words.add(matcher.group());
        }
        return words;
    }
}
