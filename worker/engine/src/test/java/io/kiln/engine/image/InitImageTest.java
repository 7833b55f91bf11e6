package io.kiln.engine.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class InitImageTest {
    @Test
    void keepsImageOfJobSizeWithIdenticalPixelsAndNoNote() {
        RgbImage image = TestImages.gradient(64, 48);

        InitImage init = InitImage.prepare(TestImages.encode(image, "png"), 64, 48);

        assertThat(init.note()).isEmpty();
        assertThat(init.image().pixels()).isEqualTo(image.pixels());
    }

    @Test
    void resizesImageOfOtherSizeToJobSizeAndSaysSo() {
        InitImage init = InitImage.prepare(TestImages.encode(TestImages.gradient(640, 480), "png"), 512, 512);

        assertThat(init.note()).contains("init image resized from 640x480 to 512x512");
        assertThat(init.image().width()).isEqualTo(512);
        assertThat(init.image().height()).isEqualTo(512);
    }

    @Test
    void decodesJpeg() {
        RgbImage orange = TestImages.solid(64, 48, 230, 120, 30);

        RgbImage decoded =
                InitImage.prepare(TestImages.encode(orange, "jpeg"), 64, 48).image();

        for (int i = 0; i < decoded.pixels().length; i++) {
            assertThat(decoded.pixels()[i] & 0xff).isCloseTo(orange.pixels()[i] & 0xff, within(4));
        }
    }

    @Test
    void dropsPaletteOfIndexedPng() {
        byte[] red = {(byte) 255, 0};
        byte[] green = {0, (byte) 128};
        byte[] blue = {0, 64};
        BufferedImage indexed =
                new BufferedImage(8, 8, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(1, 2, red, green, blue));

        RgbImage decoded =
                InitImage.prepare(TestImages.encode(indexed, "png"), 8, 8).image();

        byte[] firstPixel = Arrays.copyOf(decoded.pixels(), 3);
        assertThat(firstPixel).containsExactly(255, 0, 0);
    }

    @Test
    void refusesGarbageNamingItsFirstBytes() {
        byte[] garbage = "this is not an image at all".getBytes();

        assertThatThrownBy(() -> InitImage.prepare(garbage, 512, 512))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessage("not a PNG or JPEG image: 27 bytes starting 74 68 69 73 20 69 73 20");
    }

    @Test
    void refusesEmptyBytes() {
        assertThatThrownBy(() -> InitImage.prepare(new byte[0], 512, 512))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessage("the image is empty (0 bytes)");
    }

    @Test
    void refusesTruncatedPng() {
        byte[] png = TestImages.encode(TestImages.gradient(64, 48), "png");

        assertThatThrownBy(() -> InitImage.prepare(Arrays.copyOf(png, png.length / 2), 64, 48))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessageStartingWith("the PNG image is damaged or truncated: ");
    }

    @Test
    void refusesTruncatedJpegThatImageIoWouldFillWithGrey() {
        byte[] jpeg = TestImages.encode(TestImages.gradient(256, 256), "jpeg");

        // cut inside the compressed scan: ImageIO decodes the rest as grey and only warns
        assertThatThrownBy(() -> InitImage.prepare(Arrays.copyOf(jpeg, jpeg.length * 7 / 10), 256, 256))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessageStartingWith("the JPEG image is damaged or truncated: ")
                .hasMessageContaining("premature end of data segment");
    }

    @Test
    void refusesOtherImageFormats() {
        byte[] gif = TestImages.encode(TestImages.gradient(64, 48), "gif");

        assertThatThrownBy(() -> InitImage.prepare(gif, 64, 48))
                .isInstanceOf(UnreadableImageException.class)
                .hasMessage("a GIF image: only PNG and JPEG are accepted");
    }
}
