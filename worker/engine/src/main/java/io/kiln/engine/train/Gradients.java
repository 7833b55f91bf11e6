package io.kiln.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import io.kiln.engine.model.nn.Parameter;
import java.util.Collection;

/** What happens to the gradients between the backward pass and the next one. */
final class Gradients {
    private Gradients() {}

    /**
     * Scales all gradients together so that their global L2 norm is at most {@code maxNorm}, as
     * {@code torch.nn.utils.clip_grad_norm_} does.
     *
     * @return the norm before clipping
     */
    static double clip(Collection<Parameter> parameters, double maxNorm) {
        // Summed on the device and read once: a read per parameter would stall the host several hundred times.
        NDList squares = new NDList(parameters.size());
        for (Parameter parameter : parameters) {
            squares.add(parameter.array().getGradient().square().sum());
        }
        double norm = Math.sqrt(NDArrays.stack(squares).sum().getFloat());
        if (norm > maxNorm) {
            double scale = maxNorm / (norm + 1e-6);
            parameters.forEach(parameter -> parameter.array().getGradient().muli(scale));
        }
        return norm;
    }

    /** Zeroes the gradients, which libtorch otherwise accumulates across backward passes. */
    static void zero(Collection<Parameter> parameters) {
        for (Parameter parameter : parameters) {
            NDArray gradient = parameter.array().getGradient();
            gradient.subi(gradient);
        }
    }
}
