package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@code kiln tokenize} against the reference tokenizer's ids. */
class TokenizeCommandTest {
    private static final JsonMapper JSON = JsonMapper.shared();

    @TempDir
    Path dir;

    @Test
    void givesTheReferenceIdsForEveryGoldenPrompt() throws IOException {
        JsonNode cases = JSON.readTree(Files.readString(GoldenData.file("tokenizer/clip_prompts.json")))
                .get("cases");
        List<String> prompts =
                cases.valueStream().map(c -> c.get("prompt").stringValue()).toList();
        Path promptsFile = write(JSON.writeValueAsString(prompts));

        CommandRun run = CommandRun.of(
                "tokenize",
                "--model",
                GoldenData.file("models/sd-mini").toString(),
                "--prompts-file",
                promptsFile.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode ids = JSON.readTree(run.out());
        assertThat(ids.size()).isEqualTo(cases.size()).isEqualTo(44);
        for (int i = 0; i < cases.size(); i++) {
            assertThat(ids.get(i))
                    .as("prompt %d: %s", i, prompts.get(i))
                    .isEqualTo(cases.get(i).get("input_ids"));
        }
    }

    @Test
    void readsOnlyTheTokenizerOfAFolder() throws IOException {
        // A folder with a tokenizer and no weights at all: tokenizing must not need them.
        Path tokenizerOnly = Files.createDirectories(dir.resolve("model/tokenizer"));
        try (Stream<Path> files = Files.list(GoldenData.file("models/sd-mini/tokenizer"))) {
            for (Path file : files.toList()) {
                Files.copy(file, tokenizerOnly.resolve(file.getFileName()));
            }
        }

        CommandRun run = CommandRun.of(
                "tokenize",
                "--model",
                dir.resolve("model").toString(),
                "--prompts-file",
                write("[\"a fox\"]").toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode ids = JSON.readTree(run.out()).get(0);
        assertThat(ids.size()).isEqualTo(77);
        assertThat(ids.get(0).intValue()).isEqualTo(49406); // <|startoftext|>
        assertThat(ids.get(3).intValue()).isEqualTo(49407); // <|endoftext|> after "a", "fox"
    }

    @Test
    void aSingleFileTakesTheTokenizerFolderGiven() throws IOException {
        Path prompts = write("[\"a photograph of an astronaut riding a horse\", \"\"]");
        CommandRun fromFolder = CommandRun.of(
                "tokenize",
                "--model",
                GoldenData.file("models/sd-mini").toString(),
                "--prompts-file",
                prompts.toString());

        CommandRun fromFile = CommandRun.of(
                "tokenize",
                "--model",
                GoldenData.file("models/sd-mini-original/sd-mini.safetensors").toString(),
                "--tokenizer",
                GoldenData.file("models/sd-mini/tokenizer").toString(),
                "--prompts-file",
                prompts.toString());

        assertThat(fromFile.exitCode()).as(fromFile.err()).isZero();
        assertThat(fromFile.out()).isEqualTo(fromFolder.out());
    }

    static Stream<Arguments> badPromptFiles() {
        return Stream.of(
                Arguments.of("{\"prompts\": [\"a fox\"]}", "must be a JSON array of strings, got an object"),
                Arguments.of("[\"a fox\", 42]", "element 1 must be a string, got a number"),
                Arguments.of("[\"a fox\",", "not valid JSON"));
    }

    @ParameterizedTest
    @MethodSource("badPromptFiles")
    void aBadPromptsFileIsRefusedNamingTheProblem(String content, String problem) throws IOException {
        Path prompts = write(content);

        CommandRun run = CommandRun.of(
                "tokenize",
                "--model",
                GoldenData.file("models/sd-mini").toString(),
                "--prompts-file",
                prompts.toString());

        assertThat(run.exitCode()).isEqualTo(TokenizeCommand.INVALID);
        assertThat(run.err()).contains(prompts + ": " + problem);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void aMissingPromptsFileIsRefused() {
        CommandRun run = CommandRun.of(
                "tokenize",
                "--model",
                GoldenData.file("models/sd-mini").toString(),
                "--prompts-file",
                dir.resolve("absent.json").toString());

        assertThat(run.exitCode()).isEqualTo(TokenizeCommand.INVALID);
        assertThat(run.err()).contains(dir.resolve("absent.json") + ": no such file");
    }

    @Test
    void aSingleFileWithoutATokenizerIsAnArgumentError() throws IOException {
        CommandRun run = CommandRun.of(
                "tokenize",
                "--model",
                GoldenData.file("models/sd-mini-original/sd-mini.safetensors").toString(),
                "--prompts-file",
                write("[\"a fox\"]").toString());

        assertThat(run.exitCode()).isEqualTo(TokenizeCommand.INVALID);
        assertThat(run.err()).contains("--tokenizer: required for the single-file checkpoint");
    }

    private Path write(String content) throws IOException {
        return Files.writeString(Files.createTempFile(dir, "prompts", ".json"), content);
    }
}
