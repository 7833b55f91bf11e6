package io.kiln.engine.model.load;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.safetensors.SafetensorsFile;
import java.util.Map;
import java.util.Set;

/** Named tensors to load parameters from: a checkpoint file, a renamed view of one, or tensors in memory. */
public interface TensorSource {
    /** Every key this source holds. */
    Set<String> keys();

    /** The shape stored under {@code key}, read without loading the data. */
    Shape shape(String key);

    /** Loads {@code key} into {@code manager}, converted to {@code dtype}. */
    NDArray load(String key, NDManager manager, DataType dtype);

    /** Where the tensors come from, for error messages. */
    String description();

    /** The tensors of an open safetensors file, memory-mapped and loaded one at a time. */
    static TensorSource of(SafetensorsFile file) {
        return new TensorSource() {
            @Override
            public Set<String> keys() {
                return file.names();
            }

            @Override
            public Shape shape(String key) {
                return file.info(key).shape();
            }

            @Override
            public NDArray load(String key, NDManager manager, DataType dtype) {
                return file.load(key, manager, dtype);
            }

            @Override
            public String description() {
                return file.path().toString();
            }
        };
    }

    /** Tensors already in memory, keyed by name. */
    static TensorSource of(String description, Map<String, NDArray> tensors) {
        return new TensorSource() {
            @Override
            public Set<String> keys() {
                return tensors.keySet();
            }

            @Override
            public Shape shape(String key) {
                return tensors.get(key).getShape();
            }

            @Override
            public NDArray load(String key, NDManager manager, DataType dtype) {
                NDArray copy = tensors.get(key).toType(dtype, true);
                copy.attach(manager);
                return copy;
            }

            @Override
            public String description() {
                return description;
            }
        };
    }
}
