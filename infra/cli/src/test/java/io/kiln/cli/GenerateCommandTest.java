package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code kiln generate} on the tiny golden model, two steps an image. */
class GenerateCommandTest {
    @TempDir
    Path dir;

    private String tiny() {
        return GoldenData.file("models/tiny").toString();
    }

    @Test
    void writesEachImageWithItsSeedAndItsParameters() throws IOException {
        Path out = dir.resolve("fox.png");

        CommandRun run = CommandRun.of(
                "generate",
                "--model",
                tiny(),
                "--prompt",
                "a red fox",
                "--steps",
                "2",
                "--seed",
                "41",
                "--num-images",
                "2",
                "--out",
                out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines())
                .containsExactly(
                        "wrote " + dir.resolve("fox-0.png") + " (seed 41)",
                        "wrote " + dir.resolve("fox-1.png") + " (seed 42)");
        // The model's own sampler is PLMS, whose first step is evaluated twice: n + 1 UNet calls.
        assertThat(run.err()).contains("step 3/3");
        for (String name : new String[] {"fox-0.png", "fox-1.png"}) {
            BufferedImage image = ImageIO.read(dir.resolve(name).toFile());
            assertThat(image.getWidth()).isEqualTo(64);
            assertThat(image.getHeight()).isEqualTo(64);
            String bytes = new String(Files.readAllBytes(dir.resolve(name)), StandardCharsets.ISO_8859_1);
            assertThat(bytes).contains("parameters").contains("a red fox\nSteps: 2, Sampler: PLMS, CFG scale: 7.5");
        }
    }

    @Test
    void theSameSeedGivesTheSameImage() throws IOException {
        for (String name : new String[] {"a.png", "b.png"}) {
            CommandRun run = CommandRun.of(
                    "generate",
                    "--model",
                    tiny(),
                    "--prompt",
                    "a red fox",
                    "--steps",
                    "2",
                    "--sampler",
                    "ddim",
                    "--seed",
                    "7",
                    "--out",
                    dir.resolve(name).toString());
            assertThat(run.exitCode()).as(run.err()).isZero();
        }

        assertThat(Files.readAllBytes(dir.resolve("a.png"))).isEqualTo(Files.readAllBytes(dir.resolve("b.png")));
    }

    @Test
    void img2imgResizesTheInitImageAndSaysSo() throws IOException {
        Path init = dir.resolve("init.png");
        ImageIO.write(new BufferedImage(96, 80, BufferedImage.TYPE_INT_RGB), "png", init.toFile());

        CommandRun run = CommandRun.of(
                "generate",
                "--model",
                tiny(),
                "--prompt",
                "a red fox",
                "--steps",
                "4",
                "--sampler",
                "ddim",
                "--init-image",
                init.toString(),
                "--strength",
                "0.5",
                "--out",
                dir.resolve("out.png").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.out()).contains("init image resized from 96x80 to 64x64");
        assertThat(run.err()).contains("step 2/2");
    }

    @Test
    void badArgumentsExitTwoWithEveryReasonUnderItsOption() {
        CommandRun run = CommandRun.of(
                "generate",
                "--model",
                tiny(),
                "--prompt",
                "x",
                "--steps",
                "0",
                "--width",
                "100",
                "--seed",
                "-1",
                "--init-image",
                dir.resolve("absent.png").toString(),
                "--strength",
                "1.5");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err())
                .contains("--init-image: no such file: ")
                .contains("--strength: must be greater than 0 and at most 1")
                .contains("--width: must be a multiple of 8 between 64 and 2048")
                .contains("--steps: must be between 1 and 200")
                .contains("--seed: must be between 0 and");
    }

    @Test
    void withoutModelUsesTheRepositoryModelAndNamesItWhenAbsent() {
        // the tests run in infra/cli, which has no models/kiln-shapes
        CommandRun run = CommandRun.of(
                "generate",
                "--prompt",
                "a red circle",
                "--out",
                dir.resolve("x.png").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("no model: the default, models/kiln-shapes, is not in", "pass --model");
    }

    @Test
    void strengthWithoutAnInitImageIsRefused() {
        CommandRun run = CommandRun.of("generate", "--model", tiny(), "--prompt", "x", "--strength", "0.5");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--strength: is only allowed with --init-image");
    }

    @Test
    void etaForASamplerWithoutOneIsRefusedAsAJobRequestIs() {
        CommandRun run =
                CommandRun.of("generate", "--model", tiny(), "--prompt", "x", "--sampler", "euler", "--eta", "0.5");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--eta: applies to the ddim sampler only, and this job uses euler");
    }

    @Test
    void anUnknownSamplerListsTheKnownOnes() {
        CommandRun run = CommandRun.of("generate", "--model", tiny(), "--prompt", "x", "--sampler", "k_lms");

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("unknown sampler \"k_lms\"; expected one of ddim, plms, ddpm");
    }
}
