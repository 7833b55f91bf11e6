package io.kiln.engine.check;

import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.kiln.engine.check.CheckResult.NotCompared;
import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.model.safetensors.SafetensorsException;
import io.kiln.engine.model.safetensors.SafetensorsFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Checks a loaded model against module vectors in the golden format: runs each vector file of a folder through its
 * module and compares every output with the reference, elementwise within a tolerance. This tells a user whether a
 * checkpoint, loaded by Kiln, computes what the reference implementation computes.
 *
 * <p>A module that refuses the inputs (a vector file made for another architecture) fails its outputs rather than
 * the check: the remaining files still run.
 */
public final class ModelCheck {
    private final Path vectorsDir;
    private final Map<VectorFile, Tolerance> files;

    private ModelCheck(Path vectorsDir, Map<VectorFile, Tolerance> files) {
        this.vectorsDir = vectorsDir;
        this.files = files;
    }

    /** The vector files a folder may hold, in the order they are checked. */
    public static List<String> fileNames() {
        return Arrays.stream(VectorFile.values()).map(VectorFile::fileName).toList();
    }

    /**
     * A check of the vector files in {@code vectorsDir}, their tolerances resolved up front so that a bad folder or
     * manifest is refused before a model is loaded.
     *
     * @throws IllegalArgumentException if the folder holds none of {@link #fileNames()}, or the tolerance source
     *     cannot give a file's tolerance
     */
    public static ModelCheck of(Path vectorsDir, ToleranceSource tolerances) {
        Map<VectorFile, Tolerance> files = new EnumMap<>(VectorFile.class);
        for (VectorFile file : VectorFile.values()) {
            Path path = vectorsDir.resolve(file.fileName());
            if (Files.isRegularFile(path)) {
                files.put(file, tolerances.forFile(path));
            }
        }
        if (files.isEmpty()) {
            throw new IllegalArgumentException(vectorsDir + " holds none of " + String.join(", ", fileNames()));
        }
        return new ModelCheck(vectorsDir, files);
    }

    /**
     * Runs every vector file through {@code model}, reporting each output's result as soon as its file has run.
     *
     * @return every result, in report order
     * @throws SafetensorsException if a vector file cannot be read or lacks a tensor it needs, naming both
     */
    public List<CheckResult> run(StableDiffusionModel model, Consumer<CheckResult> report) {
        List<CheckResult> results = new ArrayList<>();
        files.forEach((file, tolerance) -> {
            for (CheckResult result : check(model, file, tolerance)) {
                results.add(result);
                report.accept(result);
            }
        });
        return results;
    }

    private List<CheckResult> check(StableDiffusionModel model, VectorFile kind, Tolerance tolerance) {
        Path path = vectorsDir.resolve(kind.fileName());
        String stem = kind.fileName().replaceFirst("\\.safetensors$", "");
        try (SafetensorsFile file = SafetensorsFile.open(path);
                NDManager manager = NDManager.newBaseManager(model.options().device())) {
            VectorTensors vectors =
                    new VectorTensors(file, manager, model.options().dtype());
            Map<String, NDArray> computed = new HashMap<>();
            String refusal = null;
            try {
                kind.run(model, vectors, computed);
            } catch (EngineException | IllegalArgumentException e) {
                refusal = firstLine(e.getMessage());
            }
            // Whichever manager a module put its outputs in, they go with this file's.
            computed.values().forEach(array -> array.attach(manager));

            List<CheckResult> results = new ArrayList<>();
            for (String output : kind.outputs(vectors.names())) {
                String name = stem + "/" + output;
                NDArray actual = computed.get(output);
                if (actual != null) {
                    results.add(CheckResult.compare(name, actual, vectors.reference(output), tolerance));
                } else if (refusal != null) {
                    results.add(new NotCompared(name, tolerance, "not computed: " + refusal));
                } else {
                    results.add(new NotCompared(name, tolerance, "the model gives no " + output));
                }
            }
            return results;
        }
    }

    /** libtorch appends its C++ stack to a message; the first line is the reason. */
    private static String firstLine(String message) {
        return message == null ? "no reason given" : message.lines().findFirst().orElse(message);
    }
}
