package io.kiln.engine.train.shapes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.engine.image.RgbImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class ContactSheetTest {
    @Test
    void laysTilesOutInRowsWithATwoPixelGap() {
        List<RgbImage> tiles = List.of(tile(10), tile(20), tile(30), tile(40), tile(50));

        RgbImage sheet = ContactSheet.of(tiles, 2);

        assertThat(sheet.width()).isEqualTo(2 * 4 + 2);
        assertThat(sheet.height()).isEqualTo(3 * 3 + 2 * 2);
        assertThat(red(sheet, 0, 0)).isEqualTo(10);
        assertThat(red(sheet, 3, 2)).isEqualTo(10);
        assertThat(red(sheet, 6, 0)).isEqualTo(20);
        assertThat(red(sheet, 0, 5)).isEqualTo(30);
        assertThat(red(sheet, 9, 7)).isEqualTo(40);
        assertThat(red(sheet, 0, 10)).isEqualTo(50);
    }

    @Test
    void fillsTheGapsAndTheEmptyEndOfTheLastRowGrey() {
        RgbImage sheet = ContactSheet.of(List.of(tile(10), tile(20), tile(30)), 2);

        assertThat(red(sheet, 4, 0)).isEqualTo(128);
        assertThat(red(sheet, 5, 1)).isEqualTo(128);
        assertThat(red(sheet, 0, 3)).isEqualTo(128);
        assertThat(red(sheet, 7, 6)).isEqualTo(128);
    }

    @Test
    void narrowsToTheTilesWhenFewerThanTheColumns() {
        RgbImage sheet = ContactSheet.of(List.of(tile(10), tile(20)), 8);

        assertThat(sheet.width()).isEqualTo(2 * 4 + 2);
        assertThat(sheet.height()).isEqualTo(3);
    }

    @Test
    void keepsEveryPixelOfATile() {
        RgbImage scene =
                new Scene(ShapeKind.TRIANGLE, Colour.ORANGE, Colour.BLACK, Placement.CENTER, Size.LARGE).render();

        assertThat(ContactSheet.of(List.of(scene), 4).pixels()).isEqualTo(scene.pixels());
    }

    @Test
    void refusesTilesOfDifferentSizes() {
        RgbImage other = new RgbImage(3, 3, new byte[27]);

        assertThatThrownBy(() -> ContactSheet.of(List.of(tile(10), other), 2))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("one size");
    }

    @Test
    void refusesNoTilesAndNoColumns() {
        assertThatThrownBy(() -> ContactSheet.of(List.of(), 2)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ContactSheet.of(List.of(tile(10)), 0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** A 4×3 tile whose every byte is {@code value}. */
    private static RgbImage tile(int value) {
        byte[] pixels = new byte[4 * 3 * 3];
        Arrays.fill(pixels, (byte) value);
        return new RgbImage(4, 3, pixels);
    }

    private static int red(RgbImage image, int x, int y) {
        return image.pixels()[(y * image.width() + x) * 3] & 0xFF;
    }
}
