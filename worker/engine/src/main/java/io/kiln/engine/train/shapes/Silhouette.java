package io.kiln.engine.train.shapes;

import io.kiln.engine.image.RgbImage;

/**
 * A shape's extent measured softly, so that blur and noise at its edge do not decide its outline: each pixel near the
 * shape counts as the fraction α of the way its colour lies from the background's towards the shape's (the
 * projection onto the line between the two mean colours). A pixel of an edge blurred half-way counts one half, so
 * row and column sums keep the true widths and heights under blur. α is not clamped, so that noise around 0 and 1
 * cancels in the sums instead of adding up.
 *
 * @param rowMass α summed along each row of the window, top first
 * @param columnMass α summed down each column of the window, left first
 * @param firstRow the index in {@code rowMass} of the component's top row
 * @param lastRow the index in {@code rowMass} of the component's bottom row
 */
record Silhouette(double[] rowMass, double[] columnMass, int firstRow, int lastRow) {
    /** How far beyond the component's bounding box the window reaches, for the blurred rim. */
    private static final int MARGIN = 2;

    static Silhouette measure(RgbImage image, LargestComponent component, double[] shapeRgb, double[] backgroundRgb) {
        int left = Math.max(0, component.left() - MARGIN);
        int top = Math.max(0, component.top() - MARGIN);
        int right = Math.min(image.width() - 1, component.right() + MARGIN);
        int bottom = Math.min(image.height() - 1, component.bottom() + MARGIN);
        double[] axis = new double[3];
        double axisLengthSquared = 0;
        for (int c = 0; c < 3; c++) {
            axis[c] = shapeRgb[c] - backgroundRgb[c];
            axisLengthSquared += axis[c] * axis[c];
        }
        // The two mean colours have different nearest palette colours, so they are never this close in practice.
        axisLengthSquared = Math.max(axisLengthSquared, 1);
        double[] rowMass = new double[bottom - top + 1];
        double[] columnMass = new double[right - left + 1];
        byte[] rgb = image.pixels();
        for (int y = top; y <= bottom; y++) {
            for (int x = left; x <= right; x++) {
                int at = (y * image.width() + x) * 3;
                double projection = 0;
                for (int c = 0; c < 3; c++) {
                    projection += ((rgb[at + c] & 0xFF) - backgroundRgb[c]) * axis[c];
                }
                double alpha = projection / axisLengthSquared;
                rowMass[y - top] += alpha;
                columnMass[x - left] += alpha;
            }
        }
        return new Silhouette(rowMass, columnMass, component.top() - top, component.bottom() - top);
    }

    /** The area over that of the box spanned by the widest row and the tallest column: 1, π/4 or ½ for our shapes. */
    double fill() {
        double area = 0;
        for (double mass : rowMass) {
            area += mass;
        }
        return area / (widest(rowMass) * widest(columnMass));
    }

    /**
     * The mean width of the top quarter of the component's rows over that of its bottom quarter: about 0.2 for an
     * upward triangle, 1 for a circle or a square.
     */
    double topToBottomWidth() {
        int quarter = Math.max(1, (lastRow - firstRow + 1) / 4);
        double topWidth = 0;
        double bottomWidth = 0;
        for (int i = 0; i < quarter; i++) {
            topWidth += rowMass[firstRow + i];
            bottomWidth += rowMass[lastRow - i];
        }
        return topWidth / bottomWidth;
    }

    /**
     * The greatest mean of three neighbouring masses: the widest row or tallest column with the noise of a single
     * row averaged down, since the maximum of many noisy equal rows would overstate the width.
     */
    private static double widest(double[] masses) {
        double widest = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < masses.length; i++) {
            double sum = 0;
            int count = 0;
            for (int j = Math.max(0, i - 1); j <= Math.min(masses.length - 1, i + 1); j++) {
                sum += masses[j];
                count++;
            }
            widest = Math.max(widest, sum / count);
        }
        return widest;
    }
}
