package io.kiln.cli;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The reference data beside the repository ({@code ../shared/golden}), which the build passes in as
 * {@code kiln.golden.dir}. Tests that need it skip, saying why, when it is absent.
 */
final class GoldenData {
    private GoldenData() {}

    /** A file or folder of the golden data by its relative path, or skips the calling test. */
    static Path file(String relative) {
        String configured = System.getProperty("kiln.golden.dir");
        assumeTrue(configured != null, "kiln.golden.dir is not set: run the tests through Maven");
        Path file = Path.of(configured).toAbsolutePath().normalize().resolve(relative);
        assumeTrue(Files.exists(file), "reference data absent at " + file + ": needs ../shared/golden");
        return file;
    }
}
