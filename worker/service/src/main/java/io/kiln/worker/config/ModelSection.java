package io.kiln.worker.config;

import static io.kiln.worker.config.ConfigKey.MODEL_DEVICE;
import static io.kiln.worker.config.ConfigKey.MODEL_DTYPE;
import static io.kiln.worker.config.ConfigKey.MODEL_NAME;
import static io.kiln.worker.config.ConfigKey.MODEL_PATH;

import io.kiln.engine.model.ModelOptions;
import io.kiln.engine.train.ShapesRecipe;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Reads {@code model.*} into {@link ModelSettings}; without {@code model.path} the worker serves the repository's own
 * model, as the other commands do. Checking the device asks DJL, which starts the PyTorch engine: the
 * worker needs it next anyway, and a bad device is better refused with the other configuration problems.
 */
final class ModelSection {
    private ModelSection() {}

    /** Records every problem in {@code values}; the supplier may be called only when there were none. */
    static Supplier<ModelSettings> read(ConfigValues values) {
        Optional<Path> path = values.text(MODEL_PATH).isPresent()
                ? values.parsed(MODEL_PATH, ModelSection::existing)
                : repositoryModel(values);
        Optional<String> name = values.text(MODEL_NAME).or(() -> path.map(ModelSection::fileName));
        if (path.isPresent() && name.isEmpty()) {
            values.problem(MODEL_NAME, "must be set when model.path has no file name, as '" + path.get() + "'");
        }
        String device = values.text(MODEL_DEVICE, ModelSettings.DEFAULT_DEVICE);
        String dtype = values.text(MODEL_DTYPE, ModelSettings.DEFAULT_DTYPE);
        try {
            ModelOptions.parse(device, ModelSettings.DEFAULT_DTYPE);
        } catch (IllegalArgumentException e) {
            values.problem(MODEL_DEVICE, "must be a DJL device such as cpu, gpu or gpu1 (" + e.getMessage() + ")");
        }
        try {
            ModelOptions.parse(ModelSettings.DEFAULT_DEVICE, dtype);
        } catch (IllegalArgumentException e) {
            // ModelOptions names its parameter; the key takes its place
            values.problem(MODEL_DTYPE, e.getMessage().replaceFirst("^dtype: ", ""));
        }
        return () -> new ModelSettings(path.orElseThrow(), name.orElseThrow(), device, dtype);
    }

    /** {@link ShapesRecipe#REPOSITORY_MODEL} when model.path is not set; a problem if it is not there either. */
    private static Optional<Path> repositoryModel(ConfigValues values) {
        Path path = ShapesRecipe.REPOSITORY_MODEL.toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            values.problem(
                    MODEL_PATH,
                    "must be set (or environment variable " + MODEL_PATH.envName() + ") where the default, "
                            + ShapesRecipe.REPOSITORY_MODEL + ", is not in "
                            + Path.of("").toAbsolutePath());
            return Optional.empty();
        }
        return Optional.of(path);
    }

    private static Path existing(String text) {
        Path given = Path.of(text);
        Path path = given.toAbsolutePath().normalize();
        if (!Files.exists(path)) {
            throw new IllegalArgumentException(
                    given.isAbsolute()
                            ? "must be an existing model folder or file"
                            : "must be an existing model folder or file, relative to "
                                    + Path.of("").toAbsolutePath());
        }
        return path;
    }

    private static String fileName(Path path) {
        Path name = path.getFileName();
        return name == null ? null : name.toString();
    }
}
