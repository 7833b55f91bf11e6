package io.kiln.engine.sampling;

import ai.djl.ndarray.NDArray;

/**
 * The stand-in for the UNet that the golden scheduler traces were made with: ε(x, t) = 0.1·x + 0.05·sin(t/100), the
 * sine taken in double on the timestep widened to double, the rest float32 tensor math.
 */
final class FakeModel {
    private FakeModel() {}

    static NDArray eps(NDArray modelInput, float timestep) {
        double shift = 0.05 * Math.sin((double) timestep / 100);
        return modelInput.mul(0.1f).add((float) shift); // (B, C, h, w)
    }
}
