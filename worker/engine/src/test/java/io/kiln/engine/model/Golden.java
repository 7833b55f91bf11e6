package io.kiln.engine.model;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where the reference data lives: {@code ../shared/golden} beside the repository, passed in by the build as
 * {@code kiln.golden.dir}. Parity tests read it in place and skip, saying why, when it is absent.
 */
public final class Golden {
    private Golden() {}

    /** The golden folder, or skips the calling test when it is absent. */
    public static Path dir() {
        String configured = System.getProperty("kiln.golden.dir", "../../shared/golden");
        Path dir = Path.of(configured).toAbsolutePath().normalize();
        assumeTrue(
                Files.isDirectory(dir),
                "reference data absent at " + dir + ": parity tests need ../shared/golden beside the repository");
        return dir;
    }

    /** A file inside the golden folder, by its path relative to it. */
    public static Path file(String relative) {
        Path file = dir().resolve(relative);
        assumeTrue(Files.exists(file), "reference file absent: " + file);
        return file;
    }
}
