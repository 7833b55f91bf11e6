package io.kiln.engine.train.shapes;

import java.util.Locale;

/**
 * How big a shape is drawn: its half-width as a fraction of the image side. The two differ by almost a factor of
 * two, so that "small" and "large" are told apart at a glance, and a large shape centred in a corner cell still
 * keeps two pixels from the edge ({@code 0.25 - 0.22 = 0.03} of 64).
 */
public enum Size {
    SMALL(0.12),
    LARGE(0.22);

    private final double halfWidth;

    Size(double halfWidth) {
        this.halfWidth = halfWidth;
    }

    /** The caption word, e.g. {@code "small"}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The circle's radius, the square's half-side, the triangle's half-base, in image sides. */
    double halfWidth() {
        return halfWidth;
    }
}
