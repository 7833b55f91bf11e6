package io.kiln.engine.train.shapes;

import io.kiln.engine.image.RgbImage;

/**
 * Judges a generated image with fixed rules, so that the eval needs no second model and gives the same verdict on
 * every run. The rules hold for blurry, noisy images, not only for {@link Scene#render()}'s:
 *
 * <ol>
 *   <li><b>Background</b>: the most frequent nearest palette colour of the one-pixel border.
 *   <li><b>Shape pixels</b>: the {@link LargestComponent} of pixels whose nearest palette colour is not the
 *       background's. Fewer than {@value #MIN_SHAPE_PIXELS} pixels is no shape.
 *   <li><b>Colour</b>: the nearest palette colour of the mean of the component's deep half (the pixels at least half
 *       its greatest depth from its outside), away from the rim where shape and background blend.
 *   <li><b>Shape</b>, from the {@link Silhouette}, which measures the outline softly: a square fills all of its box,
 *       a circle π/4, a triangle half (measured 0.55–0.75 for small blurred ones), and a triangle's top quarter of
 *       rows is much narrower than its bottom quarter (about 0.2 of it, where a circle's and a square's are equal).
 *       So a triangle when the top rows are on average less than {@value #TRIANGLE_MAX_TOP_TO_BOTTOM} of the bottom
 *       rows' width and the fill is below {@value #TRIANGLE_MAX_FILL}; else a square when the fill is at least
 *       {@value #SQUARE_MIN_FILL}; else a circle. The thresholds sit in the gaps measured over every scene after a
 *       3×3 box blur and Gaussian noise of σ = 12: fill 0.75–0.83 for circles, 0.91–1 for squares; top-to-bottom
 *       at most 0.52 for triangles, at least 0.65 for the others.
 *   <li><b>Placement</b>: the grid cell, in thirds of the side, of the component's bounding-box centre. Not the
 *       centroid: the renderer centres a triangle's bounding box on the grid point, and its centroid lies a sixth of
 *       its height lower, too near the next third for a large triangle.
 * </ol>
 */
public final class SceneAnalyzer {
    static final int MIN_SHAPE_PIXELS = 12;
    static final double TRIANGLE_MAX_FILL = 0.8;
    static final double TRIANGLE_MAX_TOP_TO_BOTTOM = 0.58;
    static final double SQUARE_MIN_FILL = 0.87;

    private SceneAnalyzer() {}

    /** The judgement of {@code image}; any size, though the rules are tuned on 64×64. */
    public static Judgement judge(RgbImage image) {
        int width = image.width();
        int height = image.height();
        Colour[] nearest = nearestColours(image);
        Colour background = borderMode(nearest, width, height);
        LargestComponent component = LargestComponent.find(nearest, background, width, height);
        if (component.pixels() < MIN_SHAPE_PIXELS) {
            return new Judgement(null, null, background, null);
        }
        double[] shapeRgb = deepMean(image, component.mask());
        double[] backgroundRgb = borderMean(image, nearest, background);
        Silhouette silhouette = Silhouette.measure(image, component, shapeRgb, backgroundRgb);
        int column = Math.min(2, (int) (3 * component.centreX() / width));
        int row = Math.min(2, (int) (3 * component.centreY() / height));
        return new Judgement(
                shape(silhouette),
                Colour.nearest(shapeRgb[0], shapeRgb[1], shapeRgb[2]),
                background,
                Placement.at(column, row));
    }

    private static ShapeKind shape(Silhouette silhouette) {
        double fill = silhouette.fill();
        if (fill < TRIANGLE_MAX_FILL && silhouette.topToBottomWidth() < TRIANGLE_MAX_TOP_TO_BOTTOM) {
            return ShapeKind.TRIANGLE;
        }
        return fill >= SQUARE_MIN_FILL ? ShapeKind.SQUARE : ShapeKind.CIRCLE;
    }

    private static Colour[] nearestColours(RgbImage image) {
        byte[] rgb = image.pixels();
        Colour[] nearest = new Colour[image.width() * image.height()];
        for (int i = 0; i < nearest.length; i++) {
            nearest[i] = Colour.nearest(rgb[3 * i] & 0xFF, rgb[3 * i + 1] & 0xFF, rgb[3 * i + 2] & 0xFF);
        }
        return nearest;
    }

    private static boolean onBorder(int x, int y, int width, int height) {
        return x == 0 || y == 0 || x == width - 1 || y == height - 1;
    }

    private static Colour borderMode(Colour[] nearest, int width, int height) {
        int[] votes = new int[Colour.values().length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                if (onBorder(x, y, width, height)) {
                    votes[nearest[y * width + x].ordinal()]++;
                }
            }
        }
        int best = 0;
        for (int c = 1; c < votes.length; c++) {
            if (votes[c] > votes[best]) {
                best = c;
            }
        }
        return Colour.values()[best];
    }

    /** The mean RGB of the border pixels nearest to the background colour: the background as the image has it. */
    private static double[] borderMean(RgbImage image, Colour[] nearest, Colour background) {
        int width = image.width();
        int height = image.height();
        boolean[] selected = new boolean[nearest.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                selected[y * width + x] = onBorder(x, y, width, height) && nearest[y * width + x] == background;
            }
        }
        return mean(image, selected);
    }

    /**
     * The mean RGB of the deep half of {@code mask}: its pixels at least half the greatest depth from its outside, in
     * 4-connected steps. A blurred rim reaches a pixel or two into the shape; the deep half is clear of it, yet still
     * many pixels, so noise averages out.
     */
    private static double[] deepMean(RgbImage image, boolean[] mask) {
        int width = image.width();
        int height = image.height();
        int[] depth = new int[mask.length];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int at = y * width + x;
                if (mask[at]) {
                    int up = y > 0 ? depth[at - width] : 0;
                    int left = x > 0 ? depth[at - 1] : 0;
                    depth[at] = Math.min(up, left) + 1;
                }
            }
        }
        int deepest = 0;
        for (int y = height - 1; y >= 0; y--) {
            for (int x = width - 1; x >= 0; x--) {
                int at = y * width + x;
                if (mask[at]) {
                    int down = y < height - 1 ? depth[at + width] : 0;
                    int right = x < width - 1 ? depth[at + 1] : 0;
                    depth[at] = Math.min(depth[at], Math.min(down, right) + 1);
                    deepest = Math.max(deepest, depth[at]);
                }
            }
        }
        int threshold = Math.max(1, (deepest + 1) / 2);
        boolean[] deep = new boolean[mask.length];
        for (int i = 0; i < mask.length; i++) {
            deep[i] = depth[i] >= threshold;
        }
        return mean(image, deep);
    }

    private static double[] mean(RgbImage image, boolean[] selected) {
        byte[] rgb = image.pixels();
        double[] sum = new double[3];
        int count = 0;
        for (int i = 0; i < selected.length; i++) {
            if (selected[i]) {
                count++;
                for (int c = 0; c < 3; c++) {
                    sum[c] += rgb[3 * i + c] & 0xFF;
                }
            }
        }
        for (int c = 0; c < 3; c++) {
            sum[c] /= Math.max(count, 1);
        }
        return sum;
    }
}
