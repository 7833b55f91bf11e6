package io.kiln.engine.image;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/** Images with known pixels for the image tests. */
final class TestImages {
    private TestImages() {}

    /** Smooth diagonal gradients, like the large flat areas of a generated image. */
    static RgbImage gradient(int width, int height) {
        byte[] pixels = new byte[width * height * 3];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = (y * width + x) * 3;
                pixels[at] = (byte) (255 * x / (width - 1));
                pixels[at + 1] = (byte) (255 * y / (height - 1));
                pixels[at + 2] = (byte) (255 * (x + y) / (width + height - 2));
            }
        }
        return new RgbImage(width, height, pixels);
    }

    static RgbImage solid(int width, int height, int r, int g, int b) {
        byte[] pixels = new byte[width * height * 3];
        for (int at = 0; at < pixels.length; at += 3) {
            pixels[at] = (byte) r;
            pixels[at + 1] = (byte) g;
            pixels[at + 2] = (byte) b;
        }
        return new RgbImage(width, height, pixels);
    }

    /** {@code image} encoded by ImageIO in {@code format} ("png", "jpeg", "gif", …). */
    static byte[] encode(RgbImage image, String format) {
        return encode(image.toBufferedImage(), format);
    }

    static byte[] encode(BufferedImage image, String format) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("ImageIO has no " + format + " writer for this image");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
