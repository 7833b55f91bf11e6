package io.kiln.engine.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDManager;
import io.kiln.engine.model.Golden;
import io.kiln.engine.model.safetensors.SafetensorsFile;
import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Parity with transformers' slow CLIPTokenizer without ftfy, as recorded in {@code tokenizer/clip_prompts.json} (the
 * SD 1.5 tokenizer) and in the text-encoder vectors' {@code input_ids} (each model's own tokenizer). Exact.
 */
class ClipTokenizerGoldenTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private static ClipTokenizer sd15;

    @BeforeAll
    static void loadSd15Tokenizer() {
        sd15 = ClipTokenizer.load(Golden.file("models/sd-mini/tokenizer"));
    }

    static Stream<GoldenCase> clipPrompts() throws IOException {
        List<GoldenCase> cases = new ArrayList<>();
        for (JsonNode node : readJson("tokenizer/clip_prompts.json").get("cases")) {
            cases.add(new GoldenCase(
                    node.get("prompt").asString(),
                    ints(node.get("input_ids")),
                    ints(node.get("untruncated_ids")),
                    node.get("truncated").asBoolean(),
                    strings(node.get("tokens"))));
        }
        return cases.stream();
    }

    @ParameterizedTest(name = "[{index}] {0}")
    @MethodSource("clipPrompts")
    void matchesTheSd15TokenizerOnEveryGoldenPrompt(GoldenCase golden) {
        Tokenized tokenized = sd15.encode(golden.prompt());

        assertThat(tokenized.inputIds()).containsExactly(golden.inputIds());
        assertThat(tokenized.untruncatedIds()).containsExactly(golden.untruncatedIds());
        assertThat(tokenized.truncated()).isEqualTo(golden.truncated());
        assertThat(tokenized.untruncatedLength()).isEqualTo(golden.untruncatedIds().length);
        assertThat(sd15.tokens(golden.prompt())).containsExactlyElementsOf(golden.tokens());
    }

    @Test
    void readsTheGoldenSpecialIdsAndLengthFromTheFolder() throws IOException {
        JsonNode golden = readJson("tokenizer/clip_prompts.json");

        assertThat(sd15.bosId()).isEqualTo(golden.get("bos_token_id").asInt());
        assertThat(sd15.eosId()).isEqualTo(golden.get("eos_token_id").asInt());
        assertThat(sd15.padId()).isEqualTo(golden.get("pad_token_id").asInt());
        assertThat(sd15.maxLength()).isEqualTo(golden.get("max_length").asInt());
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiny", "sd-mini"})
    void matchesTheTextEncoderVectorsInputIdsWithEachModelsOwnTokenizer(String model) throws IOException {
        String vectors = "vectors/" + model + "/text_encoder.safetensors";
        List<String> prompts =
                strings(readJson("manifest.json").get("files").get(vectors).get("prompts"));
        ClipTokenizer tokenizer = ClipTokenizer.load(Golden.file("models/" + model + "/tokenizer"));

        try (NDManager manager = NDManager.newBaseManager();
                SafetensorsFile file = SafetensorsFile.open(Golden.file(vectors))) {
            long[] expected = file.load("input_ids", manager).toLongArray();
            assertThat(prompts).hasSize(expected.length / tokenizer.maxLength());
            for (int i = 0; i < prompts.size(); i++) {
                int length = tokenizer.maxLength();
                int[] row = Arrays.stream(expected, i * length, (i + 1) * length)
                        .mapToInt(Math::toIntExact)
                        .toArray();
                assertThat(tokenizer.encode(prompts.get(i)).inputIds())
                        .as(prompts.get(i))
                        .containsExactly(row);
            }
        }
    }

    private static JsonNode readJson(String relative) throws IOException {
        return JSON.readTree(Files.readAllBytes(Golden.file(relative)));
    }

    private static int[] ints(JsonNode array) {
        return array.valueStream().mapToInt(JsonNode::asInt).toArray();
    }

    private static List<String> strings(JsonNode array) {
        return array.valueStream().map(JsonNode::asString).toList();
    }

    /** One recorded prompt; named by its escaped, shortened text in test reports. */
    record GoldenCase(String prompt, int[] inputIds, int[] untruncatedIds, boolean truncated, List<String> tokens) {
        @Override
        public String toString() {
            StringBuilder escaped = new StringBuilder();
            prompt.codePoints().limit(48).forEach(c -> {
                if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT || c == 0xA0) {
                    escaped.append(String.format("\\u%04x", c));
                } else {
                    escaped.appendCodePoint(c);
                }
            });
            return escaped + (prompt.codePointCount(0, prompt.length()) > 48 ? "…" : "");
        }
    }
}
