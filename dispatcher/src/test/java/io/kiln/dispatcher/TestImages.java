package io.kiln.dispatcher;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;

/**
 * Images for upload tests, encoded by ImageIO: real PNGs and JPEGs, and PNGs and JPEGs whose header declares another
 * size than their pixels have (the shape of a decompression bomb). Public for the Java client's tests.
 */
public final class TestImages {
    private TestImages() {}

    /** A {@code width × height} PNG of a colour gradient. */
    public static byte[] png(int width, int height) {
        return encode(gradient(width, height), "png");
    }

    /** A {@code width × height} JPEG of a colour gradient. */
    public static byte[] jpeg(int width, int height) {
        return encode(gradient(width, height), "jpeg");
    }

    /** A {@code width × height} GIF, a format ImageIO reads but uploads refuse. */
    public static byte[] gif(int width, int height) {
        return encode(gradient(width, height), "gif");
    }

    /** A small PNG whose header (IHDR) declares {@code width × height}, with a valid checksum. */
    public static byte[] pngDeclaring(int width, int height) {
        byte[] png = png(8, 8);
        // after the 8-byte signature: the IHDR chunk's length (4), type (4), width (4), height (4), … and its CRC
        ByteBuffer.wrap(png).putInt(16, width).putInt(20, height);
        CRC32 crc = new CRC32();
        crc.update(png, 12, 17);
        ByteBuffer.wrap(png).putInt(29, (int) crc.getValue());
        return png;
    }

    /** A small JPEG whose frame header (SOF0) declares {@code width × height}, each at most 65535. */
    public static byte[] jpegDeclaring(int width, int height) {
        byte[] jpeg = jpeg(8, 8);
        for (int i = 2; i + 8 < jpeg.length; i++) {
            if ((jpeg[i] & 0xff) == 0xff && (jpeg[i + 1] & 0xff) == 0xc0) {
                // marker (2), length (2), precision (1), height (2), width (2)
                ByteBuffer.wrap(jpeg).putShort(i + 5, (short) height).putShort(i + 7, (short) width);
                return jpeg;
            }
        }
        throw new IllegalStateException("ImageIO wrote a JPEG without a baseline frame header");
    }

    private static BufferedImage gradient(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | 0x40);
            }
        }
        return image;
    }

    private static byte[] encode(BufferedImage image, String format) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalStateException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
