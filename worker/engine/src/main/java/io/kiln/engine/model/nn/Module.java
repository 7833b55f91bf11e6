package io.kiln.engine.model.nn;

import ai.djl.ndarray.types.Shape;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A node of a model tree, in the manner of {@code torch.nn.Module}: named parameters and named children. The dotted
 * path of every parameter from the root equals its diffusers/transformers checkpoint key, so loading a checkpoint is
 * one loop over {@link #namedParameters()} with a shape check, and a reader of the code can grep a key.
 *
 * <p>Forward passes are plain methods on the subclasses, each with the signature its inputs need.
 */
public abstract class Module {
    private final Map<String, Parameter> parameters = new LinkedHashMap<>();
    private final Map<String, Module> children = new LinkedHashMap<>();

    /** Declares a parameter of this module under {@code name}. */
    protected final Parameter parameter(String name, long... shape) {
        Parameter parameter = new Parameter(new Shape(shape));
        if (parameters.putIfAbsent(name, parameter) != null) {
            throw new IllegalStateException("duplicate parameter " + name);
        }
        return parameter;
    }

    /** Declares a child module under {@code name} and returns it. */
    protected final <M extends Module> M child(String name, M module) {
        if (children.putIfAbsent(name, module) != null) {
            throw new IllegalStateException("duplicate child " + name);
        }
        return module;
    }

    /** Every parameter of this subtree, keyed by its dotted path, in declaration order. */
    public final Map<String, Parameter> namedParameters() {
        Map<String, Parameter> all = new LinkedHashMap<>();
        collect("", all);
        return Collections.unmodifiableMap(all);
    }

    /**
     * Turns gradient tracking of every loaded parameter on, for training, or off, for inference (the default: a
     * loaded model builds no autograd graph).
     */
    public final void requireGradients(boolean required) {
        namedParameters().values().forEach(parameter -> parameter.array().setRequiresGradient(required));
    }

    private void collect(String prefix, Map<String, Parameter> into) {
        parameters.forEach((name, parameter) -> into.put(prefix + name, parameter));
        children.forEach((name, module) -> module.collect(prefix + name + ".", into));
    }
}
