package io.kiln.engine.model.nn;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDScope;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Frees intermediates as soon as the computation that made them returns. DJL attaches every result to its first
 * operand's manager, so without scopes a UNet pass keeps all its temporaries (at 512², gigabytes of attention scores)
 * until the caller's manager closes.
 *
 * <p>An {@link NDScope} tracks the arrays created on its thread while it is the innermost one. {@link #scoped} frees
 * them on return except the results, which it hands to the enclosing scope, so nesting works at every depth.
 */
public final class Scopes {
    private Scopes() {}

    /** Runs {@code work}, freeing every array it creates but its result. The result must be created by the work. */
    public static NDArray scoped(Supplier<NDArray> work) {
        return scoped(work, List::of);
    }

    /** Runs {@code work}, freeing every array it creates but those {@code outputs} lists of its result. */
    public static <T> T scoped(Supplier<T> work, Function<T, List<NDArray>> outputs) {
        T result;
        try (NDScope ignored = new NDScope()) {
            result = work.get();
            outputs.apply(result).forEach(NDScope::unregister);
        }
        outputs.apply(result).forEach(NDScope::register);
        return result;
    }
}
