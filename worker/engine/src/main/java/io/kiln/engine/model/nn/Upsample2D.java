package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;

/** Nearest-neighbour upsampling to a target size, then a 3×3 convolution. */
public final class Upsample2D extends Module {
    private static final int NEAREST = 0;

    private final Conv2d conv;

    public Upsample2D(long channels) {
        this.conv = child("conv", Conv2d.same(channels, channels, 3));
    }

    /** (B, C, H, W) → (B, C, 2H, 2W). */
    public NDArray forward(NDArray x) {
        long[] d = x.getShape().getShape();
        return forward(x, d[2] * 2, d[3] * 2);
    }

    /**
     * (B, C, H, W) → (B, C, height, width). The UNet passes the size of the matching skip connection, so latents
     * whose sides are not multiples of 2ⁿ come back to exactly the size they went down from.
     */
    public NDArray forward(NDArray x, long height, long width) {
        NDArray up = x.getNDArrayInternal().interpolation(new long[] {height, width}, NEAREST, false);
        return conv.forward(up);
    }
}
