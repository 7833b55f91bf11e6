package io.kiln.infra.local.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** New folders under the module's {@code target/kiln-infra}, so {@code mvn clean} removes what a killed run left. */
final class TestFolders {

    /** The folder the parent pom gives integration tests for their servers' files. */
    private static final String WORK_ROOT_PROPERTY = "kiln.infra.workdir";

    private TestFolders() {}

    static Path fresh(String prefix) throws IOException {
        Path root = Path.of(System.getProperty(WORK_ROOT_PROPERTY, "target/kiln-infra"));
        return Files.createTempDirectory(Files.createDirectories(root), prefix);
    }
}
