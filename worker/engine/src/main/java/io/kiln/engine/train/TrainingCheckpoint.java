package io.kiln.engine.train;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import io.kiln.engine.model.safetensors.SafetensorsFile;
import io.kiln.engine.model.safetensors.SafetensorsWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A stage's whole training state in one safetensors file: weights ({@code param.*}), their moving average
 * ({@code ema.*}) and the optimiser's moments ({@code adam.m.*}, {@code adam.v.*}), with the update count, seed and
 * training time in the header. Examples and noise are drawn from (seed, update), so nothing else is needed for a
 * resumed run to continue exactly as an uninterrupted one.
 *
 * <p>The file is written beside its final name and moved over it, so a run killed while saving keeps the previous
 * checkpoint.
 */
public final class TrainingCheckpoint {
    private static final String FILE = "checkpoint.safetensors";

    /** The state a resumed run starts from; arrays on the caller's manager. */
    public record Saved(int step, long seed, Duration elapsed, Map<String, NDArray> tensors) {}

    private final Path file;

    public TrainingCheckpoint(Path stateDir) {
        this.file = stateDir.resolve(FILE);
    }

    public Path file() {
        return file;
    }

    public void save(int step, long seed, Duration elapsed, Map<String, NDArray> tensors) throws IOException {
        Files.createDirectories(file.getParent());
        Path partial = file.resolveSibling(FILE + ".partial");
        SafetensorsWriter.write(
                partial,
                tensors,
                Map.of(
                        "step", Integer.toString(step),
                        "seed", Long.toString(seed),
                        "elapsed_ms", Long.toString(elapsed.toMillis())));
        Files.move(partial, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The saved state, or empty when no checkpoint was written yet. */
    public Optional<Saved> load(NDManager manager) {
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        try (SafetensorsFile saved = SafetensorsFile.open(file)) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            for (String name : saved.names()) {
                tensors.put(name, saved.load(name, manager));
            }
            Map<String, String> header = saved.metadata();
            return Optional.of(new Saved(
                    Integer.parseInt(header.get("step")),
                    Long.parseLong(header.get("seed")),
                    Duration.ofMillis(Long.parseLong(header.get("elapsed_ms"))),
                    tensors));
        }
    }
}
