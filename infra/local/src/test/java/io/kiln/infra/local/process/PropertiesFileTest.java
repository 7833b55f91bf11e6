package io.kiln.infra.local.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PropertiesFileTest {

    @TempDir
    Path folder;

    @Test
    void writesSortedPropertiesThatLoadBackUnchanged() throws Exception {
        Map<String, String> written = Map.of(
                "log.dirs", "C:\\kiln\\data",
                "listeners", "PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093",
                "padded", "  two leading blanks");
        Path file = folder.resolve("server.properties");

        PropertiesFile.write(file, "test", written);

        Properties loaded = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            loaded.load(reader);
        }
        assertThat(loaded).containsExactlyInAnyOrderEntriesOf(written);
        assertThat(Files.readAllLines(file))
                .containsExactly(
                        "# test",
                        "listeners=PLAINTEXT://127.0.0.1:9092,CONTROLLER://127.0.0.1:9093",
                        "log.dirs=C:\\\\kiln\\\\data",
                        "padded=\\  two leading blanks");
    }

    @Test
    void rejectsMultiLineValues() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> PropertiesFile.write(folder.resolve("x.properties"), "test", Map.of("a", "1\n2")))
                .withMessageStartingWith("property values must be single lines");
    }
}
