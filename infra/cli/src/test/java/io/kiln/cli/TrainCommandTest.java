package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln train vae|ldm}: both stages end to end at a few updates of two images, then a resume. */
class TrainCommandTest {
    @TempDir
    Path dir;

    @Test
    void trainsBothStagesIntoADiffusersFolderAndResumesWhereItStopped() throws IOException {
        Path model = dir.resolve("kiln-shapes");
        Path state = dir.resolve("kiln-shapes-training");

        CommandRun vae = train("vae", model, "--steps", "2");
        assertThat(vae.exitCode()).as(vae.err()).isZero();
        assertThat(vae.outLines()).containsExactly(model.toString());
        assertThat(vae.err()).contains("2/2", "loss", "steps/s");
        assertThat(model.resolve("vae/diffusion_pytorch_model.safetensors")).isRegularFile();
        assertThat(Files.readAllLines(state.resolve("vae/loss.csv"))).hasSize(3);

        CommandRun ldm = train("ldm", model, "--steps", "2", "--weighting", "SNR_PLUS_ONE");
        assertThat(ldm.exitCode()).as(ldm.err()).isZero();
        for (String file : new String[] {
            "model_index.json",
            "scheduler/scheduler_config.json",
            "tokenizer/vocab.json",
            "tokenizer/merges.txt",
            "text_encoder/config.json",
            "text_encoder/model.safetensors",
            "unet/config.json",
            "unet/diffusion_pytorch_model.safetensors"
        }) {
            assertThat(model.resolve(file)).isRegularFile();
        }

        CommandRun resumed = train("ldm", model, "--steps", "3", "--resume");
        assertThat(resumed.exitCode()).as(resumed.err()).isZero();
        assertThat(resumed.err()).contains("3/3").doesNotContain("1/3");
        assertThat(Files.readAllLines(state.resolve("ldm/loss.csv")))
                .as("updates 1 and 2 kept, update 3 added")
                .hasSize(4);
    }

    @Test
    void theSecondStageAsksForTheFirst() {
        CommandRun run = train("ldm", dir.resolve("empty"), "--steps", "1");

        assertThat(run.exitCode()).isEqualTo(Kiln.FAILED);
        assertThat(run.err()).contains("kiln train vae --out " + dir.resolve("empty"));
    }

    @Test
    void namesAnInvalidSetting() {
        CommandRun run = train("vae", dir.resolve("model"), "--steps", "0");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("steps: must be ≥ 1");
    }

    @Test
    void namesAnUnknownWeighting() {
        CommandRun run = train("ldm", dir.resolve("model"), "--weighting", "LOUDEST");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--weighting", "UNIFORM", "SNR_PLUS_ONE");
    }

    private static CommandRun train(String stage, Path model, String... more) {
        String[] args = new String[5 + more.length];
        args[0] = "train";
        args[1] = stage;
        args[2] = "--out";
        args[3] = model.toString();
        args[4] = "--batch-size=2";
        System.arraycopy(more, 0, args, 5, more.length);
        return CommandRun.of(args);
    }
}
