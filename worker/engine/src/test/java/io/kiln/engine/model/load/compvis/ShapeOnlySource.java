package io.kiln.engine.model.load.compvis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.load.TensorSource;
import java.util.Map;
import java.util.Set;

/** A checkpoint of shapes without data, to test what is read off shapes at full SD 1.5 size without 4 GB of zeros. */
record ShapeOnlySource(String description, Map<String, Shape> shapes) implements TensorSource {
    @Override
    public Set<String> keys() {
        return shapes.keySet();
    }

    @Override
    public Shape shape(String key) {
        return shapes.get(key);
    }

    @Override
    public NDArray load(String key, NDManager manager, DataType dtype) {
        throw new UnsupportedOperationException(description + " holds shapes only, asked to load " + key);
    }
}
