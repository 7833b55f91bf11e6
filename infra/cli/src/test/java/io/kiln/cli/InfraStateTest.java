package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InfraStateTest {

    private static final InfraState STATE = new InfraState(
            new KafkaEndpoint("127.0.0.1:9092"),
            new S3Endpoint(URI.create("http://127.0.0.1:9000"), "us-east-1", "kiln-local", "kiln-local-secret"));

    @TempDir
    Path folder;

    @Test
    void readsBackWhatItWrote() {
        Path file = folder.resolve("infra.properties");

        STATE.write(file);

        assertThat(InfraState.read(file)).contains(STATE);
    }

    @Test
    void isAbsentWithoutAFile() {
        assertThat(InfraState.read(folder.resolve("infra.properties"))).isEmpty();
    }

    @Test
    void reportsADamagedFileNamingItAndTheFix() throws Exception {
        Path file = folder.resolve("infra.properties");
        Files.writeString(file, "s3.endpoint=http://127.0.0.1:9000\n");

        assertThatIllegalStateException()
                .isThrownBy(() -> InfraState.read(file))
                .withMessageStartingWith(file + " is damaged (bootstrapServers must not be blank)")
                .withMessageEndingWith("run kiln infra down");
    }

    @Test
    void exportsEveryAddressAndKeyForAShell() {
        assertThat(STATE.exportLines())
                .containsExactly(
                        "export KILN_KAFKA_BOOTSTRAP=127.0.0.1:9092",
                        "export KILN_S3_ENDPOINT=http://127.0.0.1:9000",
                        "export KILN_S3_REGION=us-east-1",
                        "export KILN_S3_ACCESS_KEY=kiln-local",
                        "export KILN_S3_SECRET_KEY=kiln-local-secret");
    }
}
