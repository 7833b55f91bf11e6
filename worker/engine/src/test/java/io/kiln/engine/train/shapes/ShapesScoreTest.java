package io.kiln.engine.train.shapes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ShapesScoreTest {
    private static final Scene SCENE =
            new Scene(ShapeKind.CIRCLE, Colour.RED, Colour.BLUE, Placement.TOP_LEFT, Size.SMALL);
    private static final Judgement RIGHT = new Judgement(ShapeKind.CIRCLE, Colour.RED, Colour.BLUE, Placement.TOP_LEFT);

    @Test
    void scoresEachAttributeOnlyOverTheCaptionsThatStateIt() {
        ShapesScore score = new ShapesScore();
        score.add(example(EnumSet.of(Attribute.COLOUR, Attribute.SHAPE)), wrongShape());
        score.add(example(EnumSet.of(Attribute.COLOUR)), wrongShape());
        score.add(example(EnumSet.of(Attribute.PLACEMENT)), RIGHT);

        assertThat(score.accuracy(Attribute.COLOUR)).isEqualTo(1.0);
        assertThat(score.accuracy(Attribute.SHAPE)).isEqualTo(0.0);
        assertThat(score.accuracy(Attribute.PLACEMENT)).isEqualTo(1.0);
        assertThat(score.accuracy(Attribute.BACKGROUND)).isNaN();
    }

    @Test
    void countsAnExampleRightOverallOnlyWhenAllItStatesIsRight() {
        ShapesScore score = new ShapesScore();
        score.add(example(EnumSet.of(Attribute.COLOUR, Attribute.SHAPE)), wrongShape());
        score.add(example(EnumSet.of(Attribute.COLOUR)), wrongShape());
        score.add(example(EnumSet.allOf(Attribute.class)), RIGHT);
        score.add(example(EnumSet.of(Attribute.SIZE)), wrongShape());

        assertThat(score.scored()).isEqualTo(3);
        assertThat(score.overallAccuracy()).isEqualTo(2 / 3.0);
    }

    @Test
    void countsAnImageWithoutAShapeWrongForWhatTheCaptionStates() {
        ShapesScore score = new ShapesScore();
        score.add(example(EnumSet.allOf(Attribute.class)), new Judgement(null, null, Colour.BLUE, null));

        assertThat(score.accuracy(Attribute.SHAPE)).isEqualTo(0.0);
        assertThat(score.accuracy(Attribute.COLOUR)).isEqualTo(0.0);
        assertThat(score.accuracy(Attribute.PLACEMENT)).isEqualTo(0.0);
        assertThat(score.accuracy(Attribute.BACKGROUND)).isEqualTo(1.0);
        assertThat(score.overallAccuracy()).isEqualTo(0.0);
    }

    @Test
    void refusesToScoreSizeWhichIsNotJudged() {
        assertThatThrownBy(() -> new ShapesScore().accuracy(Attribute.SIZE))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void reportsCountsAndPercentagesPerAttributeAndOverall() {
        ShapesScore score = new ShapesScore();
        score.add(example(EnumSet.of(Attribute.COLOUR, Attribute.SHAPE)), wrongShape());
        score.add(example(EnumSet.of(Attribute.COLOUR)), RIGHT);

        assertThat(score.report().lines())
                .containsExactly(
                        "attribute    right  stated accuracy",
                        "colour           2       2   100.0%",
                        "background       0       0        -",
                        "shape            0       1     0.0%",
                        "placement        0       0        -",
                        "all stated       1       2    50.0%");
    }

    @Test
    void scoresAParsedPromptOnlyOnWhatItStates() {
        ShapesScore score = new ShapesScore();
        score.add(new Expectation(null, Colour.RED, null, Placement.CENTER, Size.LARGE), RIGHT);
        score.add(Expectation.NOTHING, RIGHT);

        assertThat(score.accuracy(Attribute.COLOUR)).isEqualTo(1.0);
        assertThat(score.accuracy(Attribute.PLACEMENT)).isEqualTo(0.0);
        assertThat(score.accuracy(Attribute.SHAPE)).isNaN();
        assertThat(score.scored()).isEqualTo(1);
        assertThat(score.overallAccuracy()).isEqualTo(0.0);
    }

    @Test
    void givesAVerdictForEachJudgedAttributeStatedInReportOrder() {
        var expected = new Expectation(ShapeKind.TRIANGLE, Colour.RED, null, Placement.TOP_LEFT, Size.SMALL);

        assertThat(ShapesScore.verdicts(expected, RIGHT))
                .containsExactly(
                        Map.entry(Attribute.COLOUR, true),
                        Map.entry(Attribute.SHAPE, false),
                        Map.entry(Attribute.PLACEMENT, true));
    }

    private static Example example(Set<Attribute> mentioned) {
        return new Example(SCENE, CaptionTemplate.LIST.write(SCENE, mentioned), mentioned);
    }

    private static Judgement wrongShape() {
        return new Judgement(ShapeKind.SQUARE, Colour.RED, Colour.BLUE, Placement.TOP_LEFT);
    }
}
