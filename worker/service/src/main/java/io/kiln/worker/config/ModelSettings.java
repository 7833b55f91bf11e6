package io.kiln.worker.config;

import io.kiln.engine.model.ModelOptions;
import java.nio.file.Path;

/**
 * The model this worker serves and where it runs.
 *
 * @param path the model: a diffusers folder or a single checkpoint file
 * @param name the name requests ask for; by default the folder's or file's name
 * @param device as DJL names it: {@code cpu}, {@code gpu} (the first), {@code gpu1}
 * @param dtype {@code float32} or {@code float16}
 */
public record ModelSettings(Path path, String name, String device, String dtype) {

    /** Runs anywhere; a GPU is opted into. */
    public static final String DEFAULT_DEVICE = "cpu";

    /** Full precision: float16 halves memory but only pays on a GPU. */
    public static final String DEFAULT_DTYPE = "float32";

    // device and dtype are checked against DJL by WorkerConfigLoader, not here: that starts the PyTorch engine.
    public ModelSettings {
        Check.notNull(path, "path");
        Check.notBlank(name, "name");
        Check.notBlank(device, "device");
        Check.notBlank(dtype, "dtype");
    }

    /**
     * The device and data type as the model loader takes them.
     *
     * @throws IllegalArgumentException if DJL does not know the device or the dtype is not supported
     */
    public ModelOptions options() {
        return ModelOptions.parse(device, dtype);
    }
}
