package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;

/**
 * The transformer feed-forward of SD 1.x: {@code net.0} is a {@link Geglu} from C to 4C, {@code net.2} maps 4C back
 * to C ({@code net.1} is dropout, weightless at inference).
 */
public final class FeedForward extends Module {
    private final Geglu gate;
    private final Linear out;

    public FeedForward(long dim) {
        long inner = 4 * dim;
        Container net = child("net", new Container());
        this.gate = net.add("0", new Geglu(dim, inner));
        this.out = net.add("2", new Linear(inner, dim, true));
    }

    /** (B, T, C) → (B, T, C). */
    public NDArray forward(NDArray x) {
        return out.forward(gate.forward(x));
    }
}
