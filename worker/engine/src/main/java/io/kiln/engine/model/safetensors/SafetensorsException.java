package io.kiln.engine.model.safetensors;

import java.nio.file.Path;

/**
 * A safetensors file that cannot be read or written as asked: missing, truncated, with a corrupt header, or holding
 * a tensor Kiln cannot load. The message always names the file, and the tensor when one is at fault, so an operator
 * can tell which download is broken.
 */
public final class SafetensorsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SafetensorsException(Path file, String problem) {
        super(file + ": " + problem);
    }

    SafetensorsException(Path file, String problem, Throwable cause) {
        super(file + ": " + problem, cause);
    }

    SafetensorsException(Path file, String tensor, String problem) {
        super(file + ": tensor '" + tensor + "': " + problem);
    }

    SafetensorsException(Path file, String tensor, String problem, Throwable cause) {
        super(file + ": tensor '" + tensor + "': " + problem, cause);
    }
}
