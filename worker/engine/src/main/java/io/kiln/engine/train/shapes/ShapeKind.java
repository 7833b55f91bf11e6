package io.kiln.engine.train.shapes;

import java.util.Locale;

/** The shapes the world draws. */
public enum ShapeKind {
    CIRCLE,
    SQUARE,
    TRIANGLE;

    /** The caption word, e.g. {@code "circle"}. */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }
}
