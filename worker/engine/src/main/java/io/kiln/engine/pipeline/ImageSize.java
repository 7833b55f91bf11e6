package io.kiln.engine.pipeline;

/** An image's size in pixels; both sides are multiples of 8, the VAE's largest downsampling. */
public record ImageSize(int width, int height) {
    public ImageSize {
        if (width % 8 != 0 || height % 8 != 0 || width < 8 || height < 8) {
            throw new IllegalArgumentException(
                    "width and height must be positive multiples of 8, got " + width + "×" + height);
        }
    }

    /** A square image. */
    public static ImageSize square(int side) {
        return new ImageSize(side, side);
    }

    @Override
    public String toString() {
        return width + "×" + height;
    }
}
