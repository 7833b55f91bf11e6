package io.kiln.dispatcher.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.dispatcher.TestImages;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ImageCheckTest {

    @Test
    void aPngOrJpegOfItsDeclaredFormatIsUsableAtItsSize() throws Exception {
        assertThat(ImageCheck.check(TestImages.png(64, 48), ImageFormat.PNG)).isEqualTo(new CheckedImage(64, 48));
        assertThat(ImageCheck.check(TestImages.jpeg(40, 72), ImageFormat.JPEG)).isEqualTo(new CheckedImage(40, 72));
    }

    @Test
    void anImageOfAnotherFormatThanDeclaredIsRefusedSayingWhichItIs() {
        assertThatThrownBy(() -> ImageCheck.check(TestImages.png(16, 16), ImageFormat.JPEG))
                .isInstanceOf(UnusableImageException.class)
                .hasMessage("the body is a PNG image, but its Content-Type says image/jpeg; send it as image/png");
        assertThatThrownBy(() -> ImageCheck.check(TestImages.jpeg(16, 16), ImageFormat.PNG))
                .hasMessageContaining("the body is a JPEG image");
    }

    @Test
    void otherImageFormatsAndGarbageAreRefused() {
        assertThatThrownBy(() -> ImageCheck.check(TestImages.gif(16, 16), ImageFormat.PNG))
                .isInstanceOf(UnusableImageException.class)
                .hasMessage("the body is a gif image; only PNG and JPEG are accepted");
        byte[] garbage = new byte[4096];
        new Random(7).nextBytes(garbage);
        garbage[0] = 'x';
        assertThatThrownBy(() -> ImageCheck.check(garbage, ImageFormat.PNG))
                .isInstanceOf(UnusableImageException.class)
                .hasMessage("the body is not a PNG or JPEG image");
        assertThatThrownBy(() -> ImageCheck.check(new byte[0], ImageFormat.JPEG))
                .hasMessage("the body is empty; send the JPEG image's bytes");
    }

    @Test
    void aTruncatedImageIsRefusedAsDamaged() {
        byte[] png = TestImages.png(64, 64);
        byte[] jpeg = TestImages.jpeg(64, 64);
        assertThatThrownBy(() -> ImageCheck.check(Arrays.copyOf(png, png.length / 2), ImageFormat.PNG))
                .isInstanceOf(UnusableImageException.class)
                .hasMessageStartingWith("the PNG image is damaged or truncated: ");
        // ImageIO only warns about a JPEG cut short, filling its missing part with grey
        assertThatThrownBy(() -> ImageCheck.check(Arrays.copyOf(jpeg, jpeg.length / 2), ImageFormat.JPEG))
                .isInstanceOf(UnusableImageException.class)
                .hasMessageStartingWith("the JPEG image is damaged or truncated: ");
    }

    @Test
    void anImageDeclaringMoreThanTheWorkersPixelLimitIsRefusedBeforeItsPixelsAreDecoded() {
        // 40 billion pixels would need 160 GB as ImageIO's ARGB: only the header can have been read
        assertThatThrownBy(() -> ImageCheck.check(TestImages.pngDeclaring(200_000, 200_000), ImageFormat.PNG))
                .isInstanceOf(UnusableImageException.class)
                .hasMessage("the PNG image is 200000x200000, more than the 16777216 pixels accepted");
        assertThatThrownBy(() -> ImageCheck.check(TestImages.jpegDeclaring(65_000, 65_000), ImageFormat.JPEG))
                .hasMessage("the JPEG image is 65000x65000, more than the 16777216 pixels accepted");
        // one row over the limit
        assertThatThrownBy(() -> ImageCheck.check(TestImages.pngDeclaring(4096, 4097), ImageFormat.PNG))
                .hasMessageContaining("4096x4097");
    }

    @Test
    void theContentTypeNamesTheFormatWhateverItsCaseAndParameters() {
        assertThat(ImageFormat.ofContentType("image/png")).contains(ImageFormat.PNG);
        assertThat(ImageFormat.ofContentType("Image/JPEG; charset=binary")).contains(ImageFormat.JPEG);
        assertThat(ImageFormat.ofContentType("image/jpg")).isEmpty();
        assertThat(ImageFormat.ofContentType("application/octet-stream")).isEmpty();
        assertThat(ImageFormat.ofContentType(null)).isEmpty();
    }
}
