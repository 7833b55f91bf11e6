package io.kiln.engine.model.load.compvis;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import io.kiln.engine.model.load.CheckpointException;
import io.kiln.engine.model.load.TensorSource;
import io.kiln.engine.model.load.compvis.OriginalKeyMap.OriginalKey;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One component of an original single-file checkpoint seen under its diffusers keys, so that
 * {@link io.kiln.engine.model.load.StateDictLoader} loads it like a diffusers folder. Tensors are read from the
 * underlying file only when loaded; the VAE attention's 1×1-convolution weights come out as the linear weights the
 * diffusers module tree declares.
 */
public final class OriginalCheckpointSource implements TensorSource {
    private final TensorSource file;
    private final String description;
    private final Map<String, OriginalKey> keys;

    /** The tensors of {@code file} that {@code map} translates; every other key of the file is left out. */
    public OriginalCheckpointSource(TensorSource file, OriginalKeyMap map) {
        this.file = file;
        this.description = map.component() + " of " + file.description();
        Map<String, OriginalKey> byDiffusersKey = new LinkedHashMap<>();
        for (String fileKey : file.keys()) {
            map.toDiffusers(fileKey)
                    .ifPresent(key -> byDiffusersKey.put(
                            key,
                            map.toOriginal(key)
                                    .orElseThrow(() -> new IllegalStateException(map.component() + " key table maps "
                                            + fileKey + " to " + key + " but not back"))));
        }
        this.keys = Collections.unmodifiableMap(byDiffusersKey);
    }

    /** The diffusers keys of this component that the file holds. */
    @Override
    public Set<String> keys() {
        return keys.keySet();
    }

    /** The shape as the diffusers module declares it: [out, in] for a linear weight stored as a 1×1 convolution. */
    @Override
    public Shape shape(String key) {
        OriginalKey stored = stored(key);
        Shape shape = file.shape(stored.name());
        if (!stored.linearAsConv1x1() || shape.dimension() == 2) {
            // Some tools re-save the VAE attention already as [out, in]; diffusers' single-file loader accepts both.
            return shape;
        }
        if (shape.dimension() != 4 || shape.get(2) != 1 || shape.get(3) != 1) {
            throw new CheckpointException(file.description() + ": " + stored.name()
                    + " should be a 1×1 convolution weight [out, in, 1, 1] but has shape " + shape);
        }
        return new Shape(shape.get(0), shape.get(1));
    }

    @Override
    public NDArray load(String key, NDManager manager, DataType dtype) {
        OriginalKey stored = stored(key);
        NDArray array = file.load(stored.name(), manager, dtype);
        Shape linear = shape(key);
        if (array.getShape().equals(linear)) {
            return array;
        }
        // A view of the loaded tensor; both stay with `manager`, so whatever memory a source backs its arrays with
        // lives as long as the view.
        return array.reshape(linear); // (out, in, 1, 1) -> (out, in)
    }

    @Override
    public String description() {
        return description;
    }

    private OriginalKey stored(String key) {
        OriginalKey stored = keys.get(key);
        if (stored == null) {
            throw new CheckpointException(description + " has no tensor for " + key);
        }
        return stored;
    }
}
