package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.bench.TinyRandomModel;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The mechanics of {@code kiln eval-shapes} on a model with random weights, whose images are noise: what it writes and
 * prints, not how well it scores. Two prompts, two steps.
 */
class EvalShapesCommandTest {
    @TempDir
    static Path models;

    @TempDir
    Path dir;

    private static Path model;

    @BeforeAll
    static void writeModel() throws IOException {
        model = TinyRandomModel.writeInto(models);
    }

    @Test
    void writesEachImageTheContactSheetAndTheReportAndPrintsTheTable() throws IOException {
        Path prompts = Files.writeString(
                dir.resolve("prompts.json"),
                "[\"a red circle on a blue background, top left\", \"a fox in the snow\"]");
        Path out = dir.resolve("eval");

        CommandRun run = CommandRun.of(
                "eval-shapes",
                "--model",
                model.toString(),
                "--prompts",
                prompts.toString(),
                "--steps",
                "2",
                "--sampler",
                "ddim",
                "--seed",
                "5",
                "--out",
                out.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        assertThat(run.outLines())
                .startsWith(
                        "tiny-random, ddim, 2 steps, guidance 7.5, seeds 5..6", "attribute    right  stated accuracy")
                .anySatisfy(line -> assertThat(line).matches("colour +[01] +1 +.*"))
                .anySatisfy(line -> assertThat(line).matches("all stated +[01] +1 +.*"))
                .anySatisfy(line -> assertThat(line).matches("overall (0\\.0|100\\.0)%"));
        for (String image : new String[] {"000.png", "001.png"}) {
            BufferedImage read = ImageIO.read(out.resolve(image).toFile());
            assertThat(read.getWidth()).isEqualTo(64);
        }
        BufferedImage sheet = ImageIO.read(out.resolve("contact-sheet.png").toFile());
        assertThat(sheet.getWidth()).isEqualTo(2 * 64 + 2);
        assertThat(sheet.getHeight()).isEqualTo(64);

        JsonNode report = JsonMapper.shared().readTree(Files.readString(out.resolve("report.json")));
        assertThat(report.get("model").stringValue()).isEqualTo(model.toString());
        assertThat(report.get("sampler").stringValue()).isEqualTo("ddim");
        assertThat(report.get("steps").intValue()).isEqualTo(2);
        assertThat(report.get("guidance").doubleValue()).isEqualTo(7.5);
        assertThat(report.get("seed").longValue()).isEqualTo(5);
        assertThat(report.get("scored").intValue()).isEqualTo(1);
        assertThat(report.get("accuracy").propertyNames())
                .containsExactly("colour", "background", "shape", "placement");
        JsonNode first = report.get("prompts").get(0);
        assertThat(first.get("prompt").stringValue()).isEqualTo("a red circle on a blue background, top left");
        assertThat(first.get("seed").longValue()).isEqualTo(5);
        assertThat(first.get("image").stringValue()).isEqualTo("000.png");
        assertThat(first.get("judged").propertyNames()).containsExactly("colour", "background", "shape", "placement");
        assertThat(first.get("right").propertyNames()).containsExactly("colour", "background", "shape", "placement");
        JsonNode second = report.get("prompts").get(1);
        assertThat(second.get("seed").longValue()).isEqualTo(6);
        assertThat(second.get("right").isEmpty())
                .as("a prompt outside the world is scored on nothing")
                .isTrue();
    }

    @Test
    void aMalformedPromptsFileIsRefusedNamingTheFileAndTheProblem() throws IOException {
        Path prompts = Files.writeString(dir.resolve("prompts.json"), "[\"a red circle\", 3]");

        CommandRun run = CommandRun.of(
                "eval-shapes",
                "--model",
                model.toString(),
                "--prompts",
                prompts.toString(),
                "--out",
                dir.resolve("eval").toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--prompts: " + prompts + ": element 1 must be a string, got a number");
        assertThat(dir.resolve("eval")).doesNotExist();
    }

    @Test
    void aMissingModelIsRefusedNamingIt() {
        Path absent = dir.resolve("no-model");

        CommandRun run = CommandRun.of("eval-shapes", "--model", absent.toString(), "--out", dir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("--model: no such file or folder: " + absent);
    }

    @Test
    void withoutModelTheRepositoryModelIsRequiredAndNamed() {
        // the tests run in infra/cli, which has no models/kiln-shapes
        CommandRun run = CommandRun.of("eval-shapes", "--limit", "1", "--out", dir.toString());

        assertThat(run.exitCode()).isEqualTo(2);
        assertThat(run.err()).contains("the default, models/kiln-shapes, is not in", "pass --model");
    }
}
