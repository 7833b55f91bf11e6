package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;

/** GEGLU (Shazeer 2020, "GLU Variants Improve Transformer"): {@code proj} to two halves, {@code a·GELU(g)}. */
public final class Geglu extends Module {
    private final Linear proj;

    public Geglu(long in, long out) {
        this.proj = child("proj", new Linear(in, 2 * out, true));
    }

    /** (B, T, in) → (B, T, out). */
    public NDArray forward(NDArray x) {
        NDArray projected = proj.forward(x); // (B, T, 2·out)
        NDList halves = projected.split(2, projected.getShape().dimension() - 1); // a, g: (B, T, out) each
        return halves.get(0).mul(Activations.gelu(halves.get(1)));
    }
}
