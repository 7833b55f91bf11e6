package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

class ValidateCommandTest {
    @TempDir
    Path dir;

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void summarizesAValidRequestOnOneLine() throws IOException {
        int exitCode = validate(write("""
                {"prompt": "a red fox in snow", "mode": "img2img", "init_image": "s3://kiln-inputs/fox.png",
                 "strength": 0.6, "width": 512, "height": 768, "num_inference_steps": 30, "guidance_scale": 8.5,
                 "sampler": "euler_ancestral", "seed": 1234, "num_images": 2, "model": "sd-1.5"}"""));

        assertThat(exitCode).isZero();
        assertThat(out)
                .hasToString("valid: img2img from s3://kiln-inputs/fox.png at strength 0.6 512x768, 30 steps,"
                        + " guidance 8.5, sampler euler_ancestral, seed 1234, 2 images, model sd-1.5"
                        + System.lineSeparator());
        assertThat(err.toString()).isEmpty();
    }

    @Test
    void saysWhatTheClusterWillChooseForAPromptOnlyRequest() throws IOException {
        int exitCode = validate(write("{\"prompt\": \"a fox\"}"));

        assertThat(exitCode).isZero();
        assertThat(out.toString().strip())
                .isEqualTo("valid: txt2img model default size, 50 steps, guidance 7.5, sampler model default,"
                        + " seed assigned at submission, 1 image, model cluster default");
    }

    @Test
    void namesTheModelDefaultForAMissingSide() throws IOException {
        validate(write("{\"prompt\": \"a fox\", \"width\": 768}"));

        assertThat(out.toString()).contains("txt2img width 768, height model default, 50 steps");
    }

    static Stream<Arguments> invalidRequests() {
        return Stream.of(
                Arguments.of(
                        "range errors",
                        "{\"prompt\": \"a fox\", \"width\": 500, \"num_images\": 9}",
                        List.of(
                                "width: must be a multiple of 8 between 64 and 2048",
                                "num_images: must be between 1 and 8")),
                Arguments.of(
                        "type errors beside a range error",
                        "{\"prompt\": 42, \"seed\": \"lucky\", \"eta\": 2}",
                        List.of(
                                "prompt: must be a string",
                                "seed: must be a 64-bit integer",
                                "eta: must be between 0 and 1")),
                Arguments.of(
                        "unknown sampler",
                        "{\"prompt\": \"a fox\", \"sampler\": \"k_lms\"}",
                        List.of("sampler: must be one of: ddim, plms, ddpm, euler, euler_ancestral, dpmpp_2m")),
                Arguments.of(
                        "img2img without init image",
                        "{\"prompt\": \"a fox\", \"mode\": \"img2img\"}",
                        List.of("init_image: is required when mode is img2img")),
                Arguments.of("missing prompt", "{\"negative_prompt\": \"blurry\"}", List.of("prompt: is required")),
                Arguments.of(
                        "nested metadata entry",
                        "{\"prompt\": \"a fox\", \"metadata\": {\"owner\": 7}}",
                        List.of("metadata.owner: must be a string")),
                Arguments.of("not an object", "[\"a fox\"]", List.of("$: must be a JSON object")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidRequests")
    void printsOneLinePerViolationAndExits2(String description, String json, List<String> violations)
            throws IOException {
        int exitCode = validate(write(json));

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString().lines()).containsExactlyElementsOf(violations);
        assertThat(out.toString()).isEmpty();
    }

    @Test
    void namesLineAndColumnOfMalformedJson() throws IOException {
        int exitCode = validate(write("{\n  \"prompt\": \"a fox\"\n  \"width\": 512\n}"));

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString().lines()).singleElement().satisfies(line -> assertThat(line)
                .startsWith("$: malformed JSON at line 3, column 3: "));
    }

    @Test
    void reportsAMissingFileAndExits2() {
        Path missing = dir.resolve("nowhere.json");

        int exitCode = validate(missing);

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString().strip()).isEqualTo("cannot read " + missing + ": no such file");
    }

    @Test
    void requiresAFileArgument() {
        int exitCode = command().execute();

        assertThat(exitCode).isEqualTo(2);
        assertThat(err.toString()).contains("Missing required parameter: 'FILE'");
    }

    private Path write(String json) throws IOException {
        return Files.writeString(dir.resolve("request.json"), json);
    }

    private int validate(Path file) {
        return command().execute(file.toString());
    }

    private CommandLine command() {
        CommandLine commandLine = new CommandLine(new ValidateCommand());
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine;
    }
}
