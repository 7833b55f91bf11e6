package io.kiln.engine.train.shapes;

import java.util.Locale;

/**
 * Where a shape sits: the cells of a 3×3 grid, centred at a quarter, a half and three quarters of the image side.
 * {@link #LEFT} is the middle row's left cell, {@link #TOP} the top row's middle cell, and so on.
 */
public enum Placement {
    LEFT(0, 1),
    RIGHT(2, 1),
    TOP(1, 0),
    BOTTOM(1, 2),
    CENTER(1, 1),
    TOP_LEFT(0, 0),
    TOP_RIGHT(2, 0),
    BOTTOM_LEFT(0, 2),
    BOTTOM_RIGHT(2, 2);

    private final int column;
    private final int row;

    Placement(int column, int row) {
        this.column = column;
        this.row = row;
    }

    /** The caption words, e.g. {@code "top left"}. */
    public String words() {
        return name().toLowerCase(Locale.ROOT).replace('_', ' ');
    }

    /** 0 left, 1 middle, 2 right. */
    int column() {
        return column;
    }

    /** 0 top, 1 middle, 2 bottom. */
    int row() {
        return row;
    }

    /** The placement of a grid cell. */
    static Placement at(int column, int row) {
        for (Placement placement : values()) {
            if (placement.column == column && placement.row == row) {
                return placement;
            }
        }
        throw new IllegalArgumentException("no grid cell at column " + column + ", row " + row);
    }
}
