package io.kiln.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestParserTest {

    @Test
    void parsesAPromptOnlyRequestWithDefaults() {
        assertThat(valid("{\"prompt\": \"a fox\"}"))
                .isEqualTo(GenerationRequest.builder().prompt("a fox").build());
    }

    @Test
    void readsEveryField() {
        assertThat(valid(Fixtures.FULL_REQUEST_JSON)).isEqualTo(Fixtures.fullRequest());
    }

    @Test
    void readsBackWhatJsonCodecWrites() {
        GenerationRequest request = Fixtures.fullRequest();

        assertThat(RequestParser.parse(JsonCodec.write(request))).isEqualTo(new ParseResult.Valid(request));
    }

    @Test
    void writesStableSnakeCaseNames() {
        String written = new String(JsonCodec.write(Fixtures.fullRequest()), StandardCharsets.UTF_8);

        assertThat(written).isEqualTo(Fixtures.FULL_REQUEST_JSON);
    }

    @Test
    void reportsEveryViolationAtOnce() {
        List<String> violations = violations("""
                {"prompt": 42, "width": "512", "height": 500, "num_inference_steps": 0,
                 "guidance_scale": "high", "sampler": "k_lms", "seed": -1, "num_images": 9,
                 "deadline": "tomorrow", "metadata": {"owner": 7}}""");

        assertThat(violations)
                .containsExactlyInAnyOrder(
                        "prompt: must be a string",
                        "width: must be a 32-bit integer",
                        "height: must be a multiple of 8 between 64 and 2048",
                        "num_inference_steps: must be between 1 and 200",
                        "guidance_scale: must be a number",
                        "sampler: must be one of: ddim, plms, ddpm, euler, euler_ancestral, dpmpp_2m",
                        "seed: must be between 0 and 9223372036854775807 (leave it out for a random seed)",
                        "num_images: must be between 1 and 8",
                        "deadline: must be an ISO-8601 instant with an offset, such as 2026-05-01T12:00:00Z",
                        "metadata.owner: must be a string");
    }

    @Test
    void namesLineAndColumnOfMalformedJson() {
        List<String> violations = violations("{\n  \"prompt\": \"a fox\",\n  \"width\" 512\n}");

        assertThat(violations).singleElement().satisfies(violation -> assertThat(violation)
                .startsWith("$: malformed JSON at line 3, column 11: ")
                .contains("was expecting a colon"));
    }

    @Test
    void treatsARepeatedKeyAsMalformed() {
        List<String> violations = violations("{\"prompt\": \"a fox\",\n \"prompt\": \"a cat\"}");

        assertThat(violations).singleElement().satisfies(violation -> assertThat(violation)
                .startsWith("$: malformed JSON at line 2, column 10: ")
                .contains("Duplicate Object property \"prompt\""));
    }

    @Test
    void rejectsTrailingContentAfterTheObject() {
        assertThat(violations("{\"prompt\": \"a fox\"} {}")).singleElement().satisfies(violation -> assertThat(
                        violation)
                .startsWith("$: malformed JSON at line 1, column 21: Trailing token"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"[]", "\"a fox\"", "42", "null", ""})
    void requiresAJsonObject(String document) {
        assertThat(violations(document)).containsExactly("$: must be a JSON object");
    }

    @Test
    void listsTheAllowedModes() {
        assertThat(violations("{\"prompt\": \"a fox\", \"mode\": \"inpaint\"}"))
                .containsExactly("mode: must be one of: txt2img, img2img");
    }

    @Test
    void saysWhichSchemaVersionsAreSupported() {
        assertThat(violations("{\"prompt\": \"a fox\", \"schema_version\": 2}"))
                .containsExactly("schema_version: unsupported version 2; supported versions: 1");
    }

    @Test
    void namesTheMetadataEntryThatBreaksARule() {
        String longValue = "v".repeat(257);

        assertThat(violations("{\"prompt\": \"a fox\", \"metadata\": {\"owner\": \"" + longValue + "\"}}"))
                .containsExactly("metadata.owner: must be at most 256 characters");
    }

    @Test
    void requiresAnInitImageForImg2img() {
        assertThat(violations("{\"prompt\": \"a fox\", \"mode\": \"img2img\"}"))
                .containsExactly("init_image: is required when mode is img2img");
    }

    @Test
    void refusesAnInitImageWithoutImg2img() {
        assertThat(violations("{\"prompt\": \"a fox\", \"init_image\": \"s3://kiln-inputs/fox.png\"}"))
                .containsExactly("init_image: is only allowed when mode is img2img");
    }

    @Test
    void requiresAnS3UriForTheInitImage() {
        assertThat(
                        violations(
                                "{\"prompt\": \"a fox\", \"mode\": \"img2img\", \"init_image\": \"https://example.com/fox.png\"}"))
                .containsExactly("init_image: must be an s3://bucket/key URI");
    }

    @Test
    void doesNotRepeatThatAMistypedPromptIsRequired() {
        assertThat(violations("{\"prompt\": [\"a fox\"]}")).containsExactly("prompt: must be a string");
    }

    @Test
    void requiresAPrompt() {
        assertThat(violations("{\"negative_prompt\": \"blurry\"}")).containsExactly("prompt: is required");
    }

    @Test
    void ignoresUnknownFields() {
        assertThat(valid("{\"prompt\": \"a fox\", \"lora\": {\"name\": \"foxes\", \"weight\": 0.7}}"))
                .isEqualTo(GenerationRequest.builder().prompt("a fox").build());
    }

    @Test
    void treatsNullAsAbsent() {
        assertThat(valid("{\"prompt\": \"a fox\", \"width\": null, \"num_inference_steps\": null, \"metadata\": null}"))
                .isEqualTo(GenerationRequest.builder().prompt("a fox").build());
    }

    @Test
    void acceptsIntegersWrittenWithAFractionOfZero() {
        assertThat(valid("{\"prompt\": \"a fox\", \"width\": 512.0}").width()).isEqualTo(512);
    }

    @Test
    void countsCharactersAsCodePoints() {
        String fox = "\uD83E\uDD8A";

        assertThat(valid("{\"prompt\": \"" + fox.repeat(4000) + "\"}").prompt()).hasSize(8000);
        assertThat(violations("{\"prompt\": \"" + fox.repeat(4001) + "\"}"))
                .containsExactly("prompt: must be at most 4000 characters");
    }

    private static GenerationRequest valid(String json) {
        ParseResult result = RequestParser.parse(json);
        assertThat(result).isInstanceOf(ParseResult.Valid.class);
        return ((ParseResult.Valid) result).request();
    }

    private static List<String> violations(String json) {
        ParseResult result = RequestParser.parse(json);
        assertThat(result).isInstanceOf(ParseResult.Invalid.class);
        return ((ParseResult.Invalid) result)
                .violations().stream().map(Violation::toString).toList();
    }
}
