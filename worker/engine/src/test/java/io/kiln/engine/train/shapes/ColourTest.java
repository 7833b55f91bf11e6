package io.kiln.engine.train.shapes;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ColourTest {
    @Test
    void keepsEveryTwoPaletteColoursAtLeast90Apart() {
        for (Colour a : Colour.values()) {
            for (Colour b : Colour.values()) {
                if (a != b) {
                    double distance = Math.sqrt(Math.pow(a.red() - b.red(), 2)
                            + Math.pow(a.green() - b.green(), 2)
                            + Math.pow(a.blue() - b.blue(), 2));
                    assertThat(distance).as("%s %s", a, b).isGreaterThanOrEqualTo(90);
                }
            }
        }
    }

    @Test
    void findsTheNearestPaletteColour() {
        assertThat(Colour.nearest(128, 0, 160)).isEqualTo(Colour.PURPLE);
        assertThat(Colour.nearest(240, 150, 30)).isEqualTo(Colour.ORANGE);
        assertThat(Colour.nearest(60, 60, 60)).isEqualTo(Colour.BLACK);
    }

    @Test
    void namesColoursInLowerCase() {
        assertThat(Colour.ORANGE.word()).isEqualTo("orange");
        assertThat(Placement.BOTTOM_RIGHT.words()).isEqualTo("bottom right");
        assertThat(ShapeKind.TRIANGLE.word()).isEqualTo("triangle");
        assertThat(Size.LARGE.word()).isEqualTo("large");
    }
}
