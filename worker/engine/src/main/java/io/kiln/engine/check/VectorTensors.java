package io.kiln.engine.check;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import io.kiln.engine.model.safetensors.SafetensorsException;
import io.kiln.engine.model.safetensors.SafetensorsFile;
import java.util.Set;

/**
 * The tensors of one vector file, loaded on demand into one manager: inputs as the model takes them, references as
 * stored.
 */
final class VectorTensors {
    private final SafetensorsFile file;
    private final NDManager manager;
    private final DataType modelType;

    VectorTensors(SafetensorsFile file, NDManager manager, DataType modelType) {
        this.file = file;
        this.manager = manager;
        this.modelType = modelType;
    }

    /**
     * Input {@code name}: floating-point tensors in the model's dtype, integer ones (ids, timesteps) as stored.
     *
     * @throws SafetensorsException if the file holds no such tensor
     */
    NDArray input(String name) {
        DataType stored = file.info(name).dtype().engineType();
        return file.load(name, manager, stored.isFloating() ? modelType : stored);
    }

    /**
     * Reference output {@code name}, as stored.
     *
     * @throws SafetensorsException if the file holds no such tensor
     */
    NDArray reference(String name) {
        return file.load(name, manager);
    }

    Set<String> names() {
        return file.names();
    }
}
