package io.kiln.engine.train.shapes;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class CaptionParserTest {
    private static final ShapesWorld WORLD = new ShapesWorld(2022);

    @Test
    void readsBackExactlyWhatEveryDrawnCaptionStates() {
        SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < 5000; i++) {
            Example example = WORLD.draw(random);

            assertThat(CaptionParser.parse(example.caption()))
                    .as(example.caption())
                    .isEqualTo(Expectation.of(example));
        }
    }

    @Test
    void readsBackEveryHeldOutPrompt() {
        for (Example example : WORLD.heldOutPrompts()) {
            Expectation expectation = CaptionParser.parse(example.caption());

            assertThat(expectation).as(example.caption()).isEqualTo(Expectation.of(example));
            assertThat(expectation.stated()).containsExactlyInAnyOrder(Attribute.values());
        }
    }

    @Test
    void readsAPromptWordedOtherwiseThanTheTemplates() {
        assertThat(CaptionParser.parse("Red LARGE triangle in the middle; background: none. White background!"))
                .isEqualTo(new Expectation(ShapeKind.TRIANGLE, Colour.RED, Colour.WHITE, Placement.CENTER, Size.LARGE));
    }

    @Test
    void aColourBeforeTheNounShapeStatesTheColourButNoShape() {
        assertThat(CaptionParser.parse("a green shape at the bottom right"))
                .isEqualTo(new Expectation(null, Colour.GREEN, null, Placement.BOTTOM_RIGHT, null));
    }

    @Test
    void aPromptOutsideTheWorldStatesNothing() {
        Expectation expectation = CaptionParser.parse("a fox in the snow, by moonlight");

        assertThat(expectation).isEqualTo(Expectation.NOTHING);
        assertThat(expectation.stated()).isEmpty();
    }

    @Test
    void anEmptyPromptStatesNothing() {
        assertThat(CaptionParser.parse("  ")).isEqualTo(Expectation.NOTHING);
    }
}
