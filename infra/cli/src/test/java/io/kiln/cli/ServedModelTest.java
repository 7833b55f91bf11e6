package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.bench.TinyRandomModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServedModelTest {

    @TempDir
    Path dir;

    @Test
    void servesTheGivenModel() throws IOException {
        Path given = Files.createDirectories(dir.resolve("my-model"));

        ServedModel model = ServedModel.choose(Optional.of(given), dir.resolve("cluster"));

        assertThat(model.path()).isEqualTo(given);
        assertThat(model.name()).isEqualTo("my-model");
        assertThat(dir.resolve("cluster")).doesNotExist();
    }

    @Test
    void withoutAGivenModelServesTheRepositoryModel() throws IOException {
        Path repositoryModel = Files.createDirectories(dir.resolve("models/kiln-shapes"));

        ServedModel model = ServedModel.choose(Optional.empty(), dir.resolve("cluster"), repositoryModel);

        assertThat(model.path()).isEqualTo(repositoryModel);
        assertThat(model.origin()).isEqualTo("the repository's model");
        assertThat(dir.resolve("cluster")).doesNotExist();
    }

    @Test
    void withoutTheRepositoryModelWritesARandomOneOnceAndFindsItOnRestart() throws IOException {
        Path absent = dir.resolve("models/kiln-shapes");
        Path cluster = dir.resolve("cluster");

        ServedModel written = ServedModel.choose(Optional.empty(), cluster, absent);
        Path weights = written.path().resolve("unet/diffusion_pytorch_model.safetensors");
        FileTime writtenAt = Files.getLastModifiedTime(weights);
        ServedModel found = ServedModel.choose(Optional.empty(), cluster, absent);

        assertThat(written.path()).isEqualTo(cluster.resolve(TinyRandomModel.NAME));
        assertThat(written.origin()).contains("random weights", absent + " is not there");
        assertThat(found).isEqualTo(written);
        assertThat(Files.getLastModifiedTime(weights)).isEqualTo(writtenAt);
        try (var left = Files.list(cluster)) {
            assertThat(left).as("no scratch folder left").containsExactly(written.path());
        }
    }
}
