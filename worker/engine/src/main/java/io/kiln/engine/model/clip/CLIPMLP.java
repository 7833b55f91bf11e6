package io.kiln.engine.model.clip;

import ai.djl.ndarray.NDArray;
import io.kiln.engine.model.nn.Linear;
import io.kiln.engine.model.nn.Module;

/** The feed-forward of a text encoder layer, transformers' {@code CLIPMLP}: {@code fc2(act(fc1(x)))}. */
final class CLIPMLP extends Module {
    private final Linear fc1;
    private final HiddenAct activation;
    private final Linear fc2;

    CLIPMLP(CLIPTextConfig c) {
        this.fc1 = child("fc1", new Linear(c.hiddenSize(), c.intermediateSize(), true));
        this.activation = c.hiddenAct();
        this.fc2 = child("fc2", new Linear(c.intermediateSize(), c.hiddenSize(), true));
    }

    /** (B, T, D) → (B, T, D). */
    NDArray forward(NDArray x) {
        NDArray h = activation.apply(fc1.forward(x)); // (B, T, I)
        return fc2.forward(h); // (B, T, D)
    }
}
