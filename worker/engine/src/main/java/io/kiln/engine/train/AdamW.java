package io.kiln.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.kiln.engine.model.nn.Parameter;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Adam with decoupled weight decay (Loshchilov and Hutter 2019, "Decoupled Weight Decay Regularization"), step for
 * step as {@code torch.optim.AdamW}:
 *
 * <pre>
 *   θ ← θ·(1 − η·λ)
 *   m ← β₁·m + (1 − β₁)·g          v ← β₂·v + (1 − β₂)·g²
 *   θ ← θ − η/(1 − β₁ᵗ) · m / (√v/√(1 − β₂ᵗ) + ε)
 * </pre>
 *
 * DJL's own Adam adds ε to the uncorrected √v and couples the decay to the gradient, so it is not used. The moments
 * live on the optimiser's manager; call {@link #step} outside any gradient collector.
 */
public final class AdamW {
    /** The hyper-parameters; torch's defaults but the learning rate, which the schedule sets per step. */
    public record Settings(double beta1, double beta2, double epsilon, double weightDecay) {
        public static final Settings TORCH_DEFAULTS = new Settings(0.9, 0.999, 1e-8, 0.01);
    }

    private final Settings settings;
    private final Map<String, Parameter> parameters;
    private final Map<String, NDArray> firstMoments = new LinkedHashMap<>();
    private final Map<String, NDArray> secondMoments = new LinkedHashMap<>();

    /** Zero moments for every parameter, as at step 0. */
    public AdamW(Map<String, Parameter> parameters, Settings settings, NDManager manager) {
        this.settings = settings;
        this.parameters = Map.copyOf(parameters);
        parameters.forEach((key, parameter) -> {
            firstMoments.put(key, manager.zeros(parameter.shape()));
            secondMoments.put(key, manager.zeros(parameter.shape()));
        });
    }

    /**
     * Applies update number {@code t} (1-based) with learning rate {@code learningRate}, from the gradients the
     * parameters hold; the temporaries it makes belong to the caller's scope.
     */
    public void step(long t, double learningRate) {
        double bias1 = 1 - Math.pow(settings.beta1(), t);
        double bias2 = 1 - Math.pow(settings.beta2(), t);
        parameters.forEach((key, parameter) -> {
            NDArray theta = parameter.array();
            NDArray g = theta.getGradient();
            NDArray m = firstMoments.get(key).muli(settings.beta1()).addi(g.mul(1 - settings.beta1()));
            NDArray v = secondMoments
                    .get(key)
                    .muli(settings.beta2())
                    .addi(g.square().muli(1 - settings.beta2()));
            NDArray denominator = v.sqrt().divi(Math.sqrt(bias2)).addi(settings.epsilon());
            theta.muli(1 - learningRate * settings.weightDecay());
            theta.subi(m.div(denominator).muli(learningRate / bias1));
        });
    }

    /** The moments, keyed {@code m.<key>} and {@code v.<key>}, for a checkpoint. */
    public Map<String, NDArray> state() {
        Map<String, NDArray> state = new LinkedHashMap<>();
        firstMoments.forEach((key, m) -> state.put("m." + key, m));
        secondMoments.forEach((key, v) -> state.put("v." + key, v));
        return state;
    }
}
