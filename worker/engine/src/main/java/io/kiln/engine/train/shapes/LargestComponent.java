package io.kiln.engine.train.shapes;

import java.util.ArrayDeque;

/**
 * The largest 4-connected set of pixels whose nearest palette colour is not the background's, and its inclusive
 * bounding box. Taking only the largest keeps specks of noise elsewhere in the image out of the shape.
 *
 * @param mask per pixel, row by row, whether it belongs to the component
 * @param pixels how many pixels belong to it; 0 for an image of one colour
 */
record LargestComponent(boolean[] mask, int pixels, int left, int top, int right, int bottom) {
    static LargestComponent find(Colour[] nearest, Colour background, int width, int height) {
        int[] label = new int[nearest.length];
        int bestLabel = 0;
        int bestSize = 0;
        int next = 0;
        ArrayDeque<Integer> queue = new ArrayDeque<>();
        for (int start = 0; start < nearest.length; start++) {
            if (nearest[start] == background || label[start] != 0) {
                continue;
            }
            next++;
            int size = 0;
            label[start] = next;
            queue.add(start);
            while (!queue.isEmpty()) {
                int at = queue.poll();
                size++;
                int x = at % width;
                int y = at / width;
                int[] neighbours = {
                    x > 0 ? at - 1 : -1,
                    x < width - 1 ? at + 1 : -1,
                    y > 0 ? at - width : -1,
                    y < height - 1 ? at + width : -1
                };
                for (int n : neighbours) {
                    if (n >= 0 && label[n] == 0 && nearest[n] != background) {
                        label[n] = next;
                        queue.add(n);
                    }
                }
            }
            // Strictly larger: of equal components the first found, top-left first, wins.
            if (size > bestSize) {
                bestSize = size;
                bestLabel = next;
            }
        }
        boolean[] mask = new boolean[nearest.length];
        int left = width;
        int top = height;
        int right = -1;
        int bottom = -1;
        for (int i = 0; i < label.length; i++) {
            if (bestLabel != 0 && label[i] == bestLabel) {
                mask[i] = true;
                left = Math.min(left, i % width);
                right = Math.max(right, i % width);
                top = Math.min(top, i / width);
                bottom = Math.max(bottom, i / width);
            }
        }
        return new LargestComponent(mask, bestSize, left, top, right, bottom);
    }

    /** The horizontal centre of the bounding box, in pixels from the left edge. */
    double centreX() {
        return (left + right + 1) / 2.0;
    }

    /** The vertical centre of the bounding box, in pixels from the top edge. */
    double centreY() {
        return (top + bottom + 1) / 2.0;
    }
}
