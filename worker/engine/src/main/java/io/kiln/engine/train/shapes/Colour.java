package io.kiln.engine.train.shapes;

import java.util.Locale;

/**
 * The palette, for shapes and backgrounds alike. The sRGB values are spread so that every pair is at least 90 apart
 * (Euclidean, 0–255 per channel; yellow and orange are the closest), which keeps a nearest-palette judgement safe
 * under the blur and noise of a generated image.
 */
public enum Colour {
    RED(220, 20, 20),
    GREEN(20, 160, 40),
    BLUE(30, 60, 220),
    YELLOW(255, 225, 0),
    PURPLE(128, 0, 160),
    ORANGE(255, 135, 0),
    WHITE(255, 255, 255),
    BLACK(0, 0, 0);

    private final int red;
    private final int green;
    private final int blue;

    Colour(int red, int green, int blue) {
        this.red = red;
        this.green = green;
        this.blue = blue;
    }

    /** The caption word, e.g. {@code "orange"}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    public int red() {
        return red;
    }

    public int green() {
        return green;
    }

    public int blue() {
        return blue;
    }

    /** The palette colour nearest to an sRGB value, by Euclidean distance; ties go to the earlier constant. */
    static Colour nearest(double red, double green, double blue) {
        Colour best = null;
        double bestDistance = Double.MAX_VALUE;
        for (Colour colour : values()) {
            double dr = red - colour.red;
            double dg = green - colour.green;
            double db = blue - colour.blue;
            double distance = dr * dr + dg * dg + db * db;
            if (distance < bestDistance) {
                best = colour;
                bestDistance = distance;
            }
        }
        return best;
    }
}
