package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln check-model} on the golden models and vectors. */
class CheckModelCommandTest {

    @Test
    void theTinyModelPassesEveryOutputOfItsVectors() {
        Path manifest = GoldenData.file("manifest.json");

        CommandRun run = CommandRun.of(
                "check-model",
                "--model",
                GoldenData.file("models/tiny").toString(),
                "--vectors",
                GoldenData.file("vectors/tiny").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        List<String> lines = outputLines(run);
        assertThat(lines).hasSize(14).allSatisfy(line -> assertThat(line).endsWith("PASS"));
        assertThat(lines.get(0))
                .startsWith("unet/out ")
                .contains("tolerance atol 2e-05 rtol 1e-04 (manifest " + manifest + ")");
        assertThat(run.outLines()).last().isEqualTo("14 outputs: all pass");
    }

    @Test
    void theOriginalSingleFileCheckpointPassesItsVectorsGivenItsTokenizerAndHeads() {
        CommandRun run = CommandRun.of(
                "check-model",
                "--model",
                GoldenData.file("models/sd-mini-original/sd-mini.safetensors").toString(),
                "--tokenizer",
                GoldenData.file("models/sd-mini/tokenizer").toString(),
                "--text-encoder-heads",
                "2",
                "--vectors",
                GoldenData.file("vectors/sd-mini").toString());

        assertThat(run.exitCode()).as(run.out() + run.err()).isZero();
        assertThat(outputLines(run)).hasSize(12).allSatisfy(line -> assertThat(line)
                .endsWith("PASS"));
    }

    @Test
    void vectorsOfAnotherModelFailWithExitCode1() {
        CommandRun run = CommandRun.of(
                "check-model",
                "--model",
                GoldenData.file("models/sd-mini").toString(),
                "--vectors",
                GoldenData.file("vectors/tiny").toString());

        assertThat(run.exitCode()).isEqualTo(CheckModelCommand.FAILED);
        assertThat(outputLines(run))
                .anySatisfy(line -> assertThat(line).startsWith("unet/out ").contains("FAIL ("));
        // sd-mini's VAE downsamples three times where tiny's does once, and its text encoder has 3 layers, not 5.
        assertThat(run.out())
                .contains("FAIL (shape (2, 3, 256, 256), reference (2, 3, 64, 64))")
                .contains("FAIL (the model gives no hidden_states_5)");
        assertThat(run.outLines()).last().asString().endsWith(" FAIL");
    }

    @Test
    void aZeroToleranceFromTheCommandLineFailsWhereFloatRoundingDiffers() {
        CommandRun run = CommandRun.of(
                "check-model",
                "--model",
                GoldenData.file("models/tiny").toString(),
                "--vectors",
                GoldenData.file("vectors/tiny").toString(),
                "--atol",
                "0",
                "--rtol",
                "0");

        assertThat(run.exitCode()).isEqualTo(CheckModelCommand.FAILED);
        assertThat(outputLines(run))
                .allSatisfy(line -> assertThat(line).contains("tolerance atol 0 rtol 0 (--atol/--rtol)"))
                .anySatisfy(line -> assertThat(line).contains("FAIL"));
    }

    @Test
    void findsTheManifestAboveANestedVectorsFolder(@TempDir Path root) throws IOException {
        Path nested = Files.createDirectories(root.resolve("runs/2026/tiny"));
        Files.copy(GoldenData.file("vectors/tiny/unet.safetensors"), nested.resolve("unet.safetensors"));
        Files.writeString(root.resolve("manifest.json"), """
                {"files": {"runs/2026/tiny/unet.safetensors": {"tolerance": {"atol": 3e-05, "rtol": 0.0002}}}}""");

        CommandRun run = CommandRun.of(
                "check-model", "--model", GoldenData.file("models/tiny").toString(), "--vectors", nested.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(outputLines(run)).hasSize(2).allSatisfy(line -> assertThat(line)
                .contains("tolerance atol 3e-05 rtol 2e-04 (manifest " + root.resolve("manifest.json") + ")"));
    }

    @Test
    void withoutAManifestTheDefaultToleranceSaysSo(@TempDir Path vectors) throws IOException {
        Files.copy(GoldenData.file("vectors/tiny/vae_decode.safetensors"), vectors.resolve("vae_decode.safetensors"));

        CommandRun run = CommandRun.of(
                "check-model", "--model", GoldenData.file("models/tiny").toString(), "--vectors", vectors.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(outputLines(run))
                .singleElement()
                .asString()
                .contains("tolerance atol 1e-04 rtol 1e-04 (default: no golden-format manifest.json in ");
    }

    @Test
    void aMissingModelIsAnArgumentError(@TempDir Path dir) {
        CommandRun run = CommandRun.of(
                "check-model",
                "--model",
                dir.resolve("nowhere").toString(),
                "--vectors",
                GoldenData.file("vectors/tiny").toString());

        assertThat(run.exitCode()).isEqualTo(CheckModelCommand.INVALID);
        assertThat(run.err()).contains("--model: no such file or folder: " + dir.resolve("nowhere"));
    }

    @Test
    void aSingleFileWithoutItsTokenizerIsAnArgumentError() {
        CommandRun run = CommandRun.of(
                "check-model",
                "--model",
                GoldenData.file("models/sd-mini-original/sd-mini.safetensors").toString(),
                "--vectors",
                GoldenData.file("vectors/sd-mini").toString());

        assertThat(run.exitCode()).isEqualTo(CheckModelCommand.INVALID);
        assertThat(run.err()).contains("--tokenizer: required for the single-file checkpoint");
    }

    @Test
    void halfATolerancePairIsAnArgumentError() {
        CommandRun run = CommandRun.of(
                "check-model",
                "--model",
                GoldenData.file("models/tiny").toString(),
                "--vectors",
                GoldenData.file("vectors/tiny").toString(),
                "--atol",
                "1e-3");

        assertThat(run.exitCode()).isEqualTo(CheckModelCommand.INVALID);
        assertThat(run.err()).contains("--rtol");
    }

    @Test
    void aVectorsFolderWithoutVectorFilesIsRefusedNamingWhatItShouldHold(@TempDir Path empty) {
        CommandRun run = CommandRun.of(
                "check-model", "--model", GoldenData.file("models/tiny").toString(), "--vectors", empty.toString());

        assertThat(run.exitCode()).isEqualTo(CheckModelCommand.INVALID);
        assertThat(run.err()).contains(empty + " holds none of unet.safetensors, vae_decode.safetensors");
    }

    /** The result lines: everything between the header and the summary. */
    private static List<String> outputLines(CommandRun run) {
        List<String> lines = run.outLines();
        assertThat(lines.get(0)).startsWith("model ");
        return lines.subList(1, lines.size() - 1);
    }
}
