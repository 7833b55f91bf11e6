package io.kiln.engine.train.shapes;

import io.kiln.engine.image.RgbImage;
import java.util.Arrays;
import java.util.List;

/**
 * Many generated images in one, for a person to look over a run at a glance: tiles left to right, then top to
 * bottom, with a grey gap between them.
 */
public final class ContactSheet {
    static final int GAP = 2;
    static final byte GAP_GREY = (byte) 128;

    private ContactSheet() {}

    /**
     * The tiles laid out in rows of {@code columns} (fewer when there are fewer tiles), the last row left-aligned.
     *
     * @throws IllegalArgumentException when there are no tiles, {@code columns} is below 1, or the tiles differ in size
     */
    public static RgbImage of(List<RgbImage> tiles, int columns) {
        if (tiles.isEmpty()) {
            throw new IllegalArgumentException("a contact sheet needs at least one tile");
        }
        if (columns < 1) {
            throw new IllegalArgumentException("columns must be at least 1, got " + columns);
        }
        int tileWidth = tiles.getFirst().width();
        int tileHeight = tiles.getFirst().height();
        for (RgbImage tile : tiles) {
            if (tile.width() != tileWidth || tile.height() != tileHeight) {
                throw new IllegalArgumentException("tiles must be of one size: " + tileWidth + "×" + tileHeight
                        + " and " + tile.width() + "×" + tile.height());
            }
        }
        int across = Math.min(columns, tiles.size());
        int down = (tiles.size() + across - 1) / across;
        int width = across * tileWidth + (across - 1) * GAP;
        int height = down * tileHeight + (down - 1) * GAP;
        byte[] sheet = new byte[width * height * 3];
        Arrays.fill(sheet, GAP_GREY);
        for (int i = 0; i < tiles.size(); i++) {
            int left = (i % across) * (tileWidth + GAP);
            int top = (i / across) * (tileHeight + GAP);
            byte[] tile = tiles.get(i).pixels();
            for (int y = 0; y < tileHeight; y++) {
                System.arraycopy(tile, y * tileWidth * 3, sheet, ((top + y) * width + left) * 3, tileWidth * 3);
            }
        }
        return new RgbImage(width, height, sheet);
    }
}
