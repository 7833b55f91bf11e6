package io.kiln.engine.image;

import java.awt.image.BufferedImage;

/** An 8-bit RGB image, rows top to bottom, three bytes a pixel. */
public record RgbImage(int width, int height, byte[] pixels) {
    public RgbImage {
        if (width < 1 || height < 1 || pixels.length != width * height * 3) {
            throw new IllegalArgumentException("a " + width + "×" + height + " RGB image needs " + width * height * 3
                    + " bytes, got " + pixels.length);
        }
    }

    /** The pixels of any decoded image, alpha and palette dropped. */
    public static RgbImage of(BufferedImage image) {
        int width = image.getWidth();
        int height = image.getHeight();
        byte[] pixels = new byte[width * height * 3];
        int[] row = new int[width];
        for (int y = 0; y < height; y++) {
            image.getRGB(0, y, width, 1, row, 0, width);
            for (int x = 0; x < width; x++) {
                int at = (y * width + x) * 3;
                pixels[at] = (byte) (row[x] >> 16);
                pixels[at + 1] = (byte) (row[x] >> 8);
                pixels[at + 2] = (byte) row[x];
            }
        }
        return new RgbImage(width, height, pixels);
    }

    /** This image as a {@link BufferedImage} of type {@code TYPE_3BYTE_BGR}, for encoders. */
    public BufferedImage toBufferedImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((java.awt.image.DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < pixels.length; i += 3) {
            bgr[i] = pixels[i + 2];
            bgr[i + 1] = pixels[i + 1];
            bgr[i + 2] = pixels[i];
        }
        return image;
    }
}
