package io.kiln.engine.model.unet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.DataType;
import io.kiln.engine.model.nn.Activations;
import io.kiln.engine.model.nn.Linear;
import io.kiln.engine.model.nn.Module;

/**
 * The UNet's timestep input: the sinusoidal position encoding of "Attention Is All You Need" (§3.5) of each
 * sample's t, then {@code linear_1}, SiLU, {@code linear_2}. One t per sample, so a batch may mix timesteps.
 */
final class TimestepEmbedding extends Module {
    private static final double MAX_PERIOD = 10000;

    private final int channels;
    private final boolean flipSinToCos;
    private final int freqShift;
    private final Linear linear1;
    private final Linear linear2;

    TimestepEmbedding(int channels, int embeddingDim, boolean flipSinToCos, int freqShift) {
        this.channels = channels;
        this.flipSinToCos = flipSinToCos;
        this.freqShift = freqShift;
        this.linear1 = child("linear_1", new Linear(channels, embeddingDim, true));
        this.linear2 = child("linear_2", new Linear(embeddingDim, embeddingDim, true));
    }

    /** Timesteps (B) → embedding (B, E), in {@code dtype}. */
    NDArray forward(NDArray timesteps, DataType dtype) {
        NDArray h = linear1.forward(sinusoids(timesteps).toType(dtype, false)); // (B, E)
        return linear2.forward(Activations.silu(h)); // (B, E)
    }

    /**
     * diffusers' {@code get_timestep_embedding}, in float32 and in its order of operations so the angles round the
     * same: exponent = −ln(10⁴)·i / (half − shift), angle = t·exp(exponent).
     */
    private NDArray sinusoids(NDArray timesteps) {
        int half = channels / 2;
        var manager = timesteps.getManager();
        // Scalar mul/div are safe here: nothing upstream of the timesteps ever needs a gradient.
        NDArray exponent = manager.arange(0f, half, 1f, DataType.FLOAT32)
                .mul(-Math.log(MAX_PERIOD))
                .div(half - freqShift); // (half)
        NDArray angles = timesteps
                .toType(DataType.FLOAT32, false)
                .expandDims(1)
                .mul(exponent.exp().expandDims(0)); // (B, 1)·(1, half) → (B, half)
        NDArray sin = angles.sin(); // (B, half)
        NDArray cos = angles.cos(); // (B, half)
        return NDArrays.concat(flipSinToCos ? new NDList(cos, sin) : new NDList(sin, cos), 1); // (B, 2·half)
    }
}
