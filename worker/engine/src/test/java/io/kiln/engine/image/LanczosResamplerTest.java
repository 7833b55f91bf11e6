package io.kiln.engine.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class LanczosResamplerTest {
    /** Pillow 9.4's {@code Image.frombytes("RGB", (13, 11), pattern(13, 11)).resize((8, 6), Image.LANCZOS)}. */
    private static final String PILLOW_13X11_TO_8X6 = "4478a17e8d816d7eaf8c93706269997588836976867db0628c847881828c878a"
            + "8b888780847d7e867e89838b8982839064a4768f8278968b7296857c878d79678e77a17b677a8fa17187966699746d6c769c837c"
            + "8f847c767565926f7a875794894e75897ba6a1718f5b8f7486629573a97a7f57a18162968b8e87bc5f7d8b817156a7688b68b09d"
            + "846e5dae73906fae";

    /** Pillow 9.4's {@code Image.frombytes("RGB", (5, 4), pattern(5, 4)).resize((9, 7), Image.LANCZOS)}. */
    private static final String PILLOW_5X4_TO_9X7 = "002c5801345f1946772d57a2396ec94495df66bff296d8ffaddeff11418c1854"
            + "a2327bb954a6a376ab819989889872ab7587c3629ccd4c7fba578ee274b1fa92f099b4e924f0741ccb12574b2871064f7ba3ed69"
            + "c3bd89df74a5a87f6d689d2d86574790298d465bab1c8ab4a1f61bcbaa28e82f4a8d10741b50931879a45c98bc84afdd95b6ee3f"
            + "814e5a6f5a7d587e725ec5598eda68d3949dd45bd0887de750a10027860446942b85b864affe96cbf7b9ff74d7e80df85a2eff00"
            + "5e";

    /** A busy pattern whose edges make Lanczos overshoot, so clipping is exercised too. */
    private static RgbImage pattern(int width, int height) {
        byte[] pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                for (int c = 0; c < 3; c++) {
                    pixels[(y * width + x) * 3 + c] = (byte) ((x * 37 + y * 91 + c * 53 + x * y * 7) % 256);
                }
            }
        }
        return new RgbImage(width, height, pixels);
    }

    @Test
    void shrinksExactlyAsPillowDoes() {
        assertThat(LanczosResampler.resize(pattern(13, 11), 8, 6).pixels())
                .isEqualTo(HexFormat.of().parseHex(PILLOW_13X11_TO_8X6));
    }

    @Test
    void enlargesExactlyAsPillowDoes() {
        assertThat(LanczosResampler.resize(pattern(5, 4), 9, 7).pixels())
                .isEqualTo(HexFormat.of().parseHex(PILLOW_5X4_TO_9X7));
    }

    @Test
    void keepsSolidColourExactly() {
        RgbImage resized = LanczosResampler.resize(TestImages.solid(640, 480, 200, 17, 99), 512, 512);

        assertThat(resized.pixels())
                .isEqualTo(TestImages.solid(512, 512, 200, 17, 99).pixels());
    }

    @Test
    void returnsSameSizeImageUnchanged() {
        RgbImage image = pattern(64, 48);

        assertThat(LanczosResampler.resize(image, 64, 48).pixels()).isEqualTo(image.pixels());
    }
}
