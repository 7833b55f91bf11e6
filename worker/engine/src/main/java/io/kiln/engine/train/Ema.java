package io.kiln.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.kiln.engine.model.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An exponential moving average of the weights, the copy latent diffusion evaluates and ships (the LDM code's
 * {@code LitEma}): {@code θ̄ ← d·θ̄ + (1 − d)·θ} with {@code d = min(decay, (1 + n)/(10 + n))} after update n, so
 * that the average forgets its random start quickly and then smooths over about {@code 1/(1 − decay)} updates.
 */
public final class Ema {
    private final double decay;
    private final Map<String, Parameter> parameters;
    private final Map<String, NDArray> averages = new LinkedHashMap<>();

    /** Starts the average at the parameters' current values. */
    public Ema(Map<String, Parameter> parameters, double decay, NDManager manager) {
        this.decay = decay;
        this.parameters = Map.copyOf(parameters);
        parameters.forEach((key, parameter) -> {
            NDArray copy = manager.zeros(parameter.shape());
            copy.addi(parameter.array());
            averages.put(key, copy);
        });
    }

    /** Folds in the weights after update {@code n} (1-based). */
    public void update(long n) {
        double d = Math.min(decay, (1.0 + n) / (10.0 + n));
        parameters.forEach((key, parameter) -> {
            NDArray average = averages.get(key);
            average.muli(d).addi(parameter.array().mul(1 - d));
        });
    }

    /** The averaged weights, keyed as the parameters; owned by this object. */
    public Map<String, NDArray> averages() {
        return averages;
    }
}
