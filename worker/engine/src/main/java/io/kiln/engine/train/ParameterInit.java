package io.kiln.engine.train;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.Parameter;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Gives a freshly built module tree the initial weights PyTorch would: what diffusers' and transformers' modules get
 * when they are constructed from a config, before any training.
 *
 * <ul>
 *   <li>convolution and linear weights, and their biases: U(−1/√fan_in, 1/√fan_in), which is what
 *       {@code kaiming_uniform_(a=√5)} works out to;
 *   <li>normalisation layers (every one-dimensional weight in these trees): weight 1, bias 0;
 *   <li>token and position embeddings: N(0, 0.02²), CLIP's {@code initializer_range}.
 * </ul>
 *
 * The draws come from a Java generator seeded by the caller, so a recipe's seed fixes its starting point on any
 * machine.
 */
public final class ParameterInit {
    private static final double EMBEDDING_STD = 0.02;

    private ParameterInit() {}

    /**
     * The layers LDM's UNet wraps in {@code zero_module} (CompVis {@code openaimodel.py} and {@code attention.py}),
     * by their diffusers keys: each ResNet block's second convolution, each spatial transformer's {@code proj_out} and
     * the output convolution. Every residual branch then starts as the identity and the UNet's output as zero.
     */
    public static final Predicate<String> LDM_ZERO_MODULES = Pattern.compile(
                    "conv_out\\..*|.*\\.resnets\\.\\d+\\.conv2\\..*|.*\\.attentions\\.\\d+\\.proj_out\\..*")
            .asMatchPredicate();

    /** Initialises every parameter of {@code root} on {@code manager}, drawing in parameter order from {@code seed}. */
    public static void initialise(Module root, NDManager manager, long seed) {
        initialise(root, manager, seed, key -> false);
    }

    /** As {@link #initialise(Module, NDManager, long)}, with the parameters {@code zeroed} accepts set to zero. */
    public static void initialise(Module root, NDManager manager, long seed, Predicate<String> zeroed) {
        SplittableRandom random = new SplittableRandom(seed);
        Map<String, Parameter> parameters = root.namedParameters();
        parameters.forEach((key, parameter) -> {
            Shape shape = parameter.shape();
            float[] values = new float[Math.toIntExact(shape.size())];
            if (zeroed.test(key)) {
                // zeros
            } else if (key.endsWith("_embedding.weight")) {
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) (random.nextGaussian() * EMBEDDING_STD);
                }
            } else if (key.endsWith(".weight") && shape.dimension() == 1) {
                java.util.Arrays.fill(values, 1f);
            } else if (key.endsWith(".bias") && isNormalisation(parameters, key)) {
                // zeros
            } else {
                double bound = 1 / Math.sqrt(fanIn(parameters, key));
                for (int i = 0; i < values.length; i++) {
                    values[i] = (float) ((random.nextDouble() * 2 - 1) * bound);
                }
            }
            parameter.set(manager.create(values, shape));
        });
    }

    private static boolean isNormalisation(Map<String, Parameter> parameters, String biasKey) {
        Parameter weight = parameters.get(weightOf(biasKey));
        return weight != null && weight.shape().dimension() == 1;
    }

    /** The inputs feeding one output: (out, in) for a linear layer, (out, in/groups, k, k) for a convolution. */
    private static long fanIn(Map<String, Parameter> parameters, String key) {
        Parameter weight = key.endsWith(".bias") ? parameters.get(weightOf(key)) : parameters.get(key);
        if (weight == null || weight.shape().dimension() < 2) {
            throw new IllegalStateException(key + ": no linear or convolution weight beside it to size its init");
        }
        return weight.shape().size() / weight.shape().get(0);
    }

    private static String weightOf(String biasKey) {
        return biasKey.substring(0, biasKey.length() - "bias".length()) + "weight";
    }
}
