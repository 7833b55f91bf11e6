package io.kiln.engine.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.engine.model.Golden;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Behaviour around the special tokens and the folder's configuration, on copies of the tiny model's tokenizer (the
 * real CLIP BPE cut to 1000 ids: {@code !} = 0, {@code !</w>} = 256, {@code <|startoftext|>} = 998,
 * {@code <|endoftext|>} = 999).
 */
class ClipTokenizerTest {
    private static final int BOS = 998;
    private static final int EOS = 999;

    @TempDir
    Path folder;

    @BeforeEach
    void copyTinyVocabularyAndMerges() throws IOException {
        Path tiny = Golden.file("models/tiny/tokenizer");
        Files.copy(tiny.resolve("vocab.json"), folder.resolve("vocab.json"));
        Files.copy(tiny.resolve("merges.txt"), folder.resolve("merges.txt"));
    }

    @Test
    void defaultsToClipsTokensAndLengthWithoutConfigFiles() {
        ClipTokenizer tokenizer = ClipTokenizer.load(folder);

        assertThat(tokenizer.bosId()).isEqualTo(BOS);
        assertThat(tokenizer.eosId()).isEqualTo(EOS);
        assertThat(tokenizer.padId()).isEqualTo(EOS);
        assertThat(tokenizer.maxLength()).isEqualTo(77);
        assertThat(tokenizer.encode("").inputIds()).containsExactly(expected(77, EOS, BOS, EOS));
    }

    @Test
    void tokenizesSpecialTokenTextTypedInAnyCaseAsTheToken() {
        ClipTokenizer tokenizer = ClipTokenizer.load(folder);

        assertThat(tokenizer.tokens("a<|endoftext|>b <|ENDOFTEXT|> <|StartOfText|>"))
                .containsExactly(
                        "<|startoftext|>",
                        "a</w>",
                        "<|endoftext|>",
                        "b</w>",
                        "<|endoftext|>",
                        "<|startoftext|>",
                        "<|endoftext|>");
    }

    @Test
    void cutsEveryExclamationMarkOutWhenItIsThePadTokenAsTransformersDoes() throws IOException {
        // diffusers#4153: SD 2.x tokenizers pad with "!", which transformers then treats as a special token.
        Files.writeString(folder.resolve("special_tokens_map.json"), "{\"pad_token\": \"!\"}");
        ClipTokenizer tokenizer = ClipTokenizer.load(folder);

        Tokenized tokenized = tokenizer.encode("! !! !!!");

        assertThat(tokenizer.padId()).isZero();
        assertThat(tokenized.untruncatedIds()).containsExactly(BOS, 0, 0, 0, 0, 0, 0, EOS);
        assertThat(tokenizer.tokens("a!")).containsExactly("<|startoftext|>", "a</w>", "!", "<|endoftext|>");
    }

    @Test
    void treatsAnExclamationMarkAsPunctuationWhenPaddingWithEndOfText() {
        ClipTokenizer tokenizer = ClipTokenizer.load(folder);

        assertThat(tokenizer.tokens("! !!")).containsExactly("<|startoftext|>", "!</w>", "!!</w>", "<|endoftext|>");
    }

    @Test
    void letsSpecialTokensMapOverrideTokenizerConfig() throws IOException {
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"pad_token\": {\"content\": \"!</w>\"}}");
        Files.writeString(folder.resolve("special_tokens_map.json"), "{\"pad_token\": {\"content\": \"!\"}}");

        assertThat(ClipTokenizer.load(folder).padId()).isZero();
    }

    @Test
    void truncatesToModelMaxLengthKeepingTheEndToken() throws IOException {
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"model_max_length\": 6}");
        ClipTokenizer tokenizer = ClipTokenizer.load(folder);
        int a = tokenizer.encode("a").untruncatedIds()[1];

        Tokenized fits = tokenizer.encode("a a a a");
        Tokenized cut = tokenizer.encode("a a a a a");

        assertThat(fits.inputIds()).containsExactly(BOS, a, a, a, a, EOS);
        assertThat(fits.truncated()).isFalse();
        assertThat(cut.inputIds()).containsExactly(BOS, a, a, a, a, EOS);
        assertThat(cut.truncated()).isTrue();
        assertThat(cut.untruncatedLength()).isEqualTo(7);
    }

    @Test
    void fallsBackToTheUnknownTokenForSymbolsMissingFromTheVocabulary() throws IOException {
        Path vocab = folder.resolve("vocab.json");
        Files.writeString(vocab, Files.readString(vocab).replace("\"z</w>\"", "\"gone\""));

        assertThat(ClipTokenizer.load(folder).encode("z").untruncatedIds()).containsExactly(BOS, EOS, EOS);
    }

    @Test
    void refusesASpecialTokenMissingFromTheVocabulary() throws IOException {
        Files.writeString(folder.resolve("special_tokens_map.json"), "{\"bos_token\": \"<|bos|>\"}");

        assertThatThrownBy(() -> ClipTokenizer.load(folder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("bos_token '<|bos|>' is not in vocab.json");
    }

    @Test
    void namesTheFileWhenItsJsonIsCorrupt() throws IOException {
        Files.writeString(folder.resolve("tokenizer_config.json"), "{\"model_max_length\": ");

        assertThatThrownBy(() -> ClipTokenizer.load(folder))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith(folder.resolve("tokenizer_config.json") + ": corrupt JSON");
    }

    @Test
    void encodesTheSamePromptToEqualValues() {
        ClipTokenizer tokenizer = ClipTokenizer.load(folder);

        assertThat(tokenizer.encode("a red fox")).isEqualTo(tokenizer.encode("A  red\tfox"));
        assertThat(tokenizer.encode("a red fox")).isNotEqualTo(tokenizer.encode("a red box"));
    }

    private static int[] expected(int length, int pad, int... ids) {
        int[] expected = new int[length];
        Arrays.fill(expected, pad);
        System.arraycopy(ids, 0, expected, 0, ids.length);
        return expected;
    }
}
