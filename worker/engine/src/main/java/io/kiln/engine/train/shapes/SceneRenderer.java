package io.kiln.engine.train.shapes;

import io.kiln.engine.image.RgbImage;

/**
 * Draws a {@link Scene}. Each pixel is the background colour blended towards the shape's colour by the fraction of
 * a 4×4 grid of sample points inside the shape, so edges are anti-aliased as in a photograph of the shape, and the
 * result depends on nothing but the scene.
 *
 * <p>Geometry, in pixels with the image's top-left corner at (0, 0) and pixel (x, y) covering [x, x+1)×[y, y+1):
 * the placement's grid cell gives the centre (c<sub>x</sub>, c<sub>y</sub>) at a quarter, half or three quarters of
 * the side; the size gives the half-width w. A circle has radius w; a square is axis-aligned with half-side w; a
 * triangle points up, has base 2w and height √3·w (equilateral), and its bounding box, not its centroid, is centred
 * on the placement, so that a large triangle fits a corner cell.
 */
final class SceneRenderer {
    private static final int SAMPLES_PER_AXIS = 4;
    private static final double SQRT_3 = Math.sqrt(3);

    private SceneRenderer() {}

    static RgbImage render(Scene scene, int side) {
        double centreX = (scene.placement().column() + 1) * side / 4.0;
        double centreY = (scene.placement().row() + 1) * side / 4.0;
        double halfWidth = scene.size().halfWidth() * side;
        Colour shape = scene.colour();
        Colour background = scene.background();
        byte[] pixels = new byte[side * side * 3];
        for (int y = 0; y < side; y++) {
            for (int x = 0; x < side; x++) {
                double coverage = coverage(scene.shape(), x - centreX, y - centreY, halfWidth);
                int at = (y * side + x) * 3;
                pixels[at] = blend(background.red(), shape.red(), coverage);
                pixels[at + 1] = blend(background.green(), shape.green(), coverage);
                pixels[at + 2] = blend(background.blue(), shape.blue(), coverage);
            }
        }
        return new RgbImage(side, side, pixels);
    }

    /** The fraction of the sample points of the pixel whose corner is (left, top), relative to the centre, inside. */
    private static double coverage(ShapeKind shape, double left, double top, double halfWidth) {
        int inside = 0;
        for (int i = 0; i < SAMPLES_PER_AXIS; i++) {
            for (int j = 0; j < SAMPLES_PER_AXIS; j++) {
                double dx = left + (j + 0.5) / SAMPLES_PER_AXIS;
                double dy = top + (i + 0.5) / SAMPLES_PER_AXIS;
                if (contains(shape, dx, dy, halfWidth)) {
                    inside++;
                }
            }
        }
        return inside / (double) (SAMPLES_PER_AXIS * SAMPLES_PER_AXIS);
    }

    /** Whether the point (dx, dy) from the shape's centre lies in it; y grows downwards. */
    private static boolean contains(ShapeKind shape, double dx, double dy, double halfWidth) {
        return switch (shape) {
            case CIRCLE -> dx * dx + dy * dy <= halfWidth * halfWidth;
            case SQUARE -> Math.abs(dx) <= halfWidth && Math.abs(dy) <= halfWidth;
            case TRIANGLE -> {
                double height = SQRT_3 * halfWidth;
                double belowApex = dy + height / 2;
                // The half-width at a row grows linearly from 0 at the apex to w at the base.
                yield belowApex >= 0 && belowApex <= height && Math.abs(dx) <= halfWidth * belowApex / height;
            }
        };
    }

    private static byte blend(int from, int to, double fraction) {
        return (byte) Math.round(from + (to - from) * fraction);
    }
}
