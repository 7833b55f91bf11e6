package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.dispatcher.config.ApiKey;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DevelopmentKeyTest {

    @TempDir
    Path dir;

    @Test
    void generatesA256BitKeyEachTime() {
        DevelopmentKey first = DevelopmentKey.generate();
        DevelopmentKey second = DevelopmentKey.generate();

        assertThat(first.key()).matches("kiln-local-[0-9a-f]{64}");
        assertThat(second.key()).isNotEqualTo(first.key());
    }

    @Test
    void hashesTheKeyAsSha256sumDoesAndTheDispatcherAcceptsTheSetting() {
        var key = new DevelopmentKey("kiln-local-test-key");

        // printf %s kiln-local-test-key | sha256sum
        assertThat(key.sha256Hex()).isEqualTo("313e7224859fcdcf04de84ff44853edd431f879a5dba14f0b404decf66a513e6");
        assertThat(key.dispatcherSetting()).isEqualTo("local:" + key.sha256Hex());
        assertThat(new ApiKey(DevelopmentKey.NAME, key.sha256Hex()).sha256()).isEqualTo(key.sha256Hex());
    }

    @Test
    void writesANewKeyOnceAndReadsTheSameOneOnRestart() throws IOException {
        Path file = dir.resolve("cluster/api-key");

        DevelopmentKey created = DevelopmentKey.readOrCreate(file);
        DevelopmentKey again = DevelopmentKey.readOrCreate(file);

        assertThat(again).isEqualTo(created);
        assertThat(Files.readString(file)).isEqualTo(created.key() + "\n");
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
                    .isEqualTo("rw-------");
        }
    }

    @Test
    void refusesAKeyFileThatHoldsNoUsableKey() throws IOException {
        Path file = Files.writeString(dir.resolve("api-key"), "two words\n");

        assertThatThrownBy(() -> DevelopmentKey.readOrCreate(file))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith(file + ": the API key must be")
                .hasMessageEndingWith("delete it for a new key");
    }
}
