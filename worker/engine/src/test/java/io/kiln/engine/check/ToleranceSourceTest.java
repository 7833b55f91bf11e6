package io.kiln.engine.check;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.engine.model.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tolerances come from the nearest golden-format manifest, each file by its relative path, else the default. */
class ToleranceSourceTest {
    private static final String MANIFEST = """
            {"files": {
              "vectors/mini/unet.safetensors": {"kind": "unet", "tolerance": {"atol": 8e-05, "rtol": 0.0001}},
              "vectors/mini/text_encoder.safetensors": {"tolerance": "exact"},
              "vectors/mini/vae_decode.safetensors": {"kind": "vae_decode"},
              "vectors/mini/vae_encode.safetensors": {"tolerance": {"atol": "loose"}}
            }}""";

    @TempDir
    Path root;

    @Test
    void findsTheManifestAboveANestedFolderAndKeysFilesByTheirPathFromIt() throws IOException {
        Path vectors = Files.createDirectories(root.resolve("vectors/mini"));
        Files.writeString(root.resolve("manifest.json"), MANIFEST);

        Tolerance tolerance = ToleranceSource.nearestManifest(vectors).forFile(vectors.resolve("unet.safetensors"));

        assertThat(tolerance.atol()).isEqualTo(8e-5);
        assertThat(tolerance.rtol()).isEqualTo(1e-4);
        assertThat(tolerance.source()).isEqualTo("manifest " + root.resolve("manifest.json"));
    }

    @Test
    void readsExactAsZeroTolerance() throws IOException {
        Path vectors = Files.createDirectories(root.resolve("vectors/mini"));
        Files.writeString(root.resolve("manifest.json"), MANIFEST);

        Tolerance tolerance =
                ToleranceSource.nearestManifest(vectors).forFile(vectors.resolve("text_encoder.safetensors"));

        assertThat(tolerance.atol()).isZero();
        assertThat(tolerance.rtol()).isZero();
    }

    @Test
    void fallsBackToTheDefaultForAFileTheManifestGivesNoTolerance() throws IOException {
        Path vectors = Files.createDirectories(root.resolve("vectors/mini"));
        Files.writeString(root.resolve("manifest.json"), MANIFEST);
        ToleranceSource source = ToleranceSource.nearestManifest(vectors);

        Tolerance unlisted = source.forFile(vectors.resolve("other.safetensors"));
        Tolerance withoutTolerance = source.forFile(vectors.resolve("vae_decode.safetensors"));

        assertThat(unlisted.atol()).isEqualTo(ToleranceSource.DEFAULT_ATOL);
        assertThat(unlisted.rtol()).isEqualTo(ToleranceSource.DEFAULT_RTOL);
        assertThat(unlisted.source())
                .isEqualTo(
                        "default: no tolerance for vectors/mini/other.safetensors in " + root.resolve("manifest.json"));
        assertThat(withoutTolerance.atol()).isEqualTo(ToleranceSource.DEFAULT_ATOL);
    }

    @Test
    void fallsBackToTheDefaultWithoutAManifest() throws IOException {
        Path vectors = Files.createDirectories(root.resolve("vectors/mini"));

        Tolerance tolerance = ToleranceSource.nearestManifest(vectors).forFile(vectors.resolve("unet.safetensors"));

        assertThat(tolerance.atol()).isEqualTo(ToleranceSource.DEFAULT_ATOL);
        assertThat(tolerance.source()).startsWith("default: no golden-format manifest.json in " + vectors);
    }

    @Test
    void passesOverAManifestOfAnotherFormatOnTheWayUp() throws IOException {
        Path vectors = Files.createDirectories(root.resolve("vectors/mini"));
        Files.writeString(root.resolve("manifest.json"), MANIFEST);
        Files.writeString(vectors.resolve("manifest.json"), "{\"name\": \"some other tool's manifest\"}");

        Tolerance tolerance = ToleranceSource.nearestManifest(vectors).forFile(vectors.resolve("unet.safetensors"));

        assertThat(tolerance.atol()).isEqualTo(8e-5);
    }

    @Test
    void aNonNumericToleranceIsRefusedNamingTheManifestAndTheKey() throws IOException {
        Path vectors = Files.createDirectories(root.resolve("vectors/mini"));
        Files.writeString(root.resolve("manifest.json"), MANIFEST);
        ToleranceSource source = ToleranceSource.nearestManifest(vectors);

        assertThatThrownBy(() -> source.forFile(vectors.resolve("vae_encode.safetensors")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(root.resolve("manifest.json").toString())
                .hasMessageContaining("files.\"vectors/mini/vae_encode.safetensors\".tolerance");
    }

    @Test
    void aCorruptManifestIsRefusedNamingIt() throws IOException {
        Files.writeString(root.resolve("manifest.json"), "{\"files\": ");

        assertThatThrownBy(() -> ToleranceSource.nearestManifest(root))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(root.resolve("manifest.json") + ": not valid JSON");
    }

    @Test
    void aFixedToleranceHoldsForEveryFile() {
        Tolerance given = new Tolerance(0, 0, "given");

        assertThat(ToleranceSource.fixed(given).forFile(root.resolve("unet.safetensors")))
                .isSameAs(given);
    }

    @Test
    void readsTheGoldenManifestsOwnTolerances() {
        Path vectors = Golden.file("vectors/tiny");

        Tolerance unet = ToleranceSource.nearestManifest(vectors).forFile(vectors.resolve("unet.safetensors"));

        assertThat(unet).hasToString("atol 2e-05 rtol 1e-04 (manifest " + Golden.file("manifest.json") + ")");
    }
}
