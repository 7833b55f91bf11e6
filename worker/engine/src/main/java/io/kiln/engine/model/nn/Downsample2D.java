package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.Shape;

/**
 * Halves the spatial size with a stride-2 3×3 convolution. The UNet pads by one on every side; the VAE pads only
 * right and bottom (its {@code padding=0} config), as CompVis' encoder did.
 */
public final class Downsample2D extends Module {
    private final Conv2d conv;
    private final boolean asymmetric;

    public Downsample2D(long channels, int padding) {
        this.conv = child("conv", new Conv2d(channels, channels, 3, 2, padding));
        this.asymmetric = padding == 0;
    }

    /** (B, C, H, W) → (B, C, ⌈H/2⌉, ⌈W/2⌉). */
    public NDArray forward(NDArray x) {
        NDArray padded = asymmetric ? x.pad(new Shape(0, 1, 0, 1), 0) : x; // (B, C, H+1, W+1) for the VAE
        return conv.forward(padded);
    }
}
