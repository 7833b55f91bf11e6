package io.kiln.infra.local.process;

import io.kiln.infra.local.junit.LocalInfraExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** New folders under the module's {@code target/kiln-infra}, so {@code mvn clean} removes what a killed run left. */
final class TestFolders {

    private TestFolders() {}

    static Path fresh(String prefix) throws IOException {
        Path root = Path.of(System.getProperty(LocalInfraExtension.WORK_ROOT_PROPERTY, "target/kiln-infra"));
        return Files.createTempDirectory(Files.createDirectories(root), prefix);
    }
}
