package io.kiln.engine.model;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Reads the small safetensors files of the golden data (weights of the test models, vectors) whole into a manager.
 * DJL's own decoder suffices for test files well below 2 GiB; the engine's memory-mapped reader is for real
 * checkpoints.
 */
public final class GoldenTensors {
    private GoldenTensors() {}

    /** Every tensor of a safetensors file, by name, in the file's order; the arrays belong to {@code manager}. */
    public static Map<String, NDArray> read(Path file, NDManager manager) {
        NDList list;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(file))) {
            list = NDList.decode(manager, in);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        Map<String, NDArray> byName = new LinkedHashMap<>();
        for (NDArray array : list) {
            if (byName.put(array.getName(), array) != null) {
                throw new IllegalStateException(file + " holds two tensors named " + array.getName());
            }
        }
        return Collections.unmodifiableMap(byName);
    }

    /** Every tensor of a file inside the golden folder, by its relative path; skips the test when it is absent. */
    public static Map<String, NDArray> read(String relativePath, NDManager manager) {
        return read(Golden.file(relativePath), manager);
    }
}
