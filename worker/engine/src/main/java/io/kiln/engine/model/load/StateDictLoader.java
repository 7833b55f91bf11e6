package io.kiln.engine.model.load;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.Parameter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads a module tree from a {@link TensorSource}: one loop over the tree's parameter paths, which equal the
 * checkpoint keys. Every parameter must be present with its exact shape; keys the tree does not use (EMA weights,
 * schedule buffers) are reported once.
 */
public final class StateDictLoader {
    private static final Logger log = LoggerFactory.getLogger(StateDictLoader.class);

    private StateDictLoader() {}

    /**
     * Loads every parameter of {@code root} from {@code source} into {@code manager} as {@code dtype}.
     *
     * @return the keys of the source that no parameter used, sorted
     * @throws CheckpointException listing every missing or misshapen key with its expected and actual shape
     */
    public static List<String> load(Module root, TensorSource source, NDManager manager, DataType dtype) {
        Map<String, Parameter> parameters = root.namedParameters();
        List<String> problems = new ArrayList<>();
        parameters.forEach((key, parameter) -> {
            if (!source.keys().contains(key)) {
                problems.add(key + ": missing (expected shape " + parameter.shape() + ")");
                return;
            }
            Shape stored = source.shape(key);
            if (!stored.equals(parameter.shape())) {
                problems.add(key + ": expected shape " + parameter.shape() + " but the checkpoint has " + stored);
            }
        });
        if (!problems.isEmpty()) {
            throw new CheckpointException(
                    source.description() + " does not fit the model:\n  " + String.join("\n  ", problems));
        }
        parameters.forEach((key, parameter) -> {
            NDArray array = source.load(key, manager, dtype);
            parameter.set(array);
        });
        TreeSet<String> unused = new TreeSet<>(source.keys());
        unused.removeAll(parameters.keySet());
        if (!unused.isEmpty()) {
            log.warn("{}: {} keys unused by the model: {}", source.description(), unused.size(), unused);
        }
        return List.copyOf(unused);
    }
}
