package io.kiln.engine.train.shapes;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.engine.model.Golden;
import io.kiln.engine.model.tokenizer.ClipTokenizer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class ShapesVocabularyTest {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    @TempDir
    Path folder;

    private ClipTokenizer tokenizer;

    @BeforeEach
    void writeAndLoad() throws IOException {
        ShapesVocabulary.write(folder);
        tokenizer = ClipTokenizer.load(folder);
    }

    @Test
    void makesEveryCaptionWordOneToken() {
        for (String word : CaptionTemplate.words()) {
            List<String> tokens = tokenizer.tokens(word);

            assertThat(tokens).as(word).containsExactly("<|startoftext|>", word + "</w>", "<|endoftext|>");
        }
    }

    @Test
    void encodesEveryCaptionWholeAsOneIdPerWordAndCommaPaddedToSixteen() {
        ShapesWorld world = new ShapesWorld(18);
        SplittableRandom random = new SplittableRandom(5);
        for (int i = 0; i < 500; i++) {
            String caption = world.draw(random).caption();
            String[] words = caption.replace(",", " ,").split(" ");
            List<Integer> expected = new ArrayList<>();
            expected.add(tokenizer.bosId());
            for (String word : words) {
                expected.add(tokenizer.encode(word).untruncatedIds()[1]);
            }
            expected.add(tokenizer.eosId());
            assertThat(expected).as(caption).hasSizeLessThanOrEqualTo(16);
            while (expected.size() < 16) {
                expected.add(tokenizer.padId());
            }

            assertThat(tokenizer.encode(caption).inputIds())
                    .as(caption)
                    .containsExactly(
                            expected.stream().mapToInt(Integer::intValue).toArray());
        }
    }

    @Test
    void tokenizesAnUnknownWordIntoSmallerSymbols() {
        List<String> tokens = tokenizer.tokens("zebra");

        assertThat(tokens.subList(1, tokens.size() - 1))
                .hasSizeGreaterThan(1)
                .doesNotContain("<|endoftext|>")
                .endsWith("a</w>");
        assertThat(String.join("", tokens.subList(1, tokens.size() - 1))).isEqualTo("zebra</w>");
    }

    @Test
    void laysOutTheVocabularyAsClipsByteSymbolsMergesThenSpecialTokens() throws IOException {
        Map<String, Integer> vocab = readVocab(folder.resolve("vocab.json"));
        List<String> merges = Files.readAllLines(folder.resolve("merges.txt"));

        assertThat(merges.getFirst()).isEqualTo("#version: 0.2");
        assertThat(vocab).hasSize(512 + merges.size() - 1 + 2);
        assertThat(vocab.get("!")).isEqualTo(0);
        assertThat(vocab.get("!</w>")).isEqualTo(256);
        assertThat(vocab.get("<|startoftext|>")).isEqualTo(vocab.size() - 2);
        assertThat(vocab.get("<|endoftext|>")).isEqualTo(vocab.size() - 1);
        assertThat(vocab.values()).doesNotHaveDuplicates();
        String[] firstMerge = merges.get(1).split(" ");
        assertThat(vocab.get(firstMerge[0] + firstMerge[1])).isEqualTo(512);
    }

    @Test
    void numbersTheByteSymbolsAsClipDoes() throws IOException {
        Map<String, Integer> clip = readVocab(Golden.file("models/tiny/tokenizer/vocab.json"));
        Map<String, Integer> ours = readVocab(folder.resolve("vocab.json"));

        clip.forEach((token, id) -> {
            if (id < 512) {
                assertThat(ours.get(token)).as(token).isEqualTo(id);
            }
        });
    }

    @Test
    void configuresClipsSpecialTokensAndLengthWithoutAHubModel() throws IOException {
        JsonNode config = JSON.readTree(folder.resolve("tokenizer_config.json").toFile());

        assertThat(config.path("model_max_length").asInt()).isEqualTo(16);
        assertThat(config.path("do_lower_case").asBoolean()).isTrue();
        assertThat(config.path("pad_token").asString()).isEqualTo("<|endoftext|>");
        assertThat(config.has("name_or_path")).isFalse();
        assertThat(tokenizer.maxLength()).isEqualTo(16);
        assertThat(tokenizer.padId()).isEqualTo(tokenizer.eosId());
        assertThat(Arrays.asList(folder.toFile().list()))
                .containsExactlyInAnyOrder(
                        "vocab.json", "merges.txt", "tokenizer_config.json", "special_tokens_map.json");
    }

    private static Map<String, Integer> readVocab(Path file) throws IOException {
        return JSON.readValue(Files.readAllBytes(file), new TypeReference<Map<String, Integer>>() {});
    }
}
