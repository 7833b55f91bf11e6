package io.kiln.engine.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BytePairEncoderTest {
    @TempDir
    Path dir;

    @Test
    void mergesTheLowestRankedPairFirstWhereverItIs() throws IOException {
        BytePairEncoder bpe = encoder("b c</w>", "a b");

        assertThat(bpe.encode("abc")).containsExactly("a", "bc</w>");
    }

    @Test
    void mergesEveryOccurrenceLeftToRightWithoutOverlap() throws IOException {
        BytePairEncoder bpe = encoder("a a");

        assertThat(bpe.encode("aaaa")).containsExactly("aa", "a", "a</w>");
        assertThat(bpe.encode("aaa")).containsExactly("aa", "a</w>");
    }

    @Test
    void keepsMergingUntilNoPairIsRanked() throws IOException {
        BytePairEncoder bpe = encoder("h e", "l l", "l o</w>", "he ll", "hell o</w>");

        assertThat(bpe.encode("hello")).containsExactly("hello</w>");
    }

    @Test
    void marksTheOnlySymbolOfAOneCharacterWord() throws IOException {
        assertThat(encoder("a b").encode("x")).containsExactly("x</w>");
    }

    @Test
    void keepsAtomicWordsWhole() throws IOException {
        BytePairEncoder bpe = BytePairEncoder.load(merges("< |"), Set.of("<|endoftext|>"));

        assertThat(bpe.encode("<|endoftext|>")).containsExactly("<|endoftext|>");
        assertThat(bpe.encode("<|x")).containsExactly("<|", "x</w>");
    }

    @Test
    void givesARepeatedMergeItsLastRankAsPythonsDictDoes() throws IOException {
        BytePairEncoder bpe = encoder("b c</w>", "a b", "b c</w>");

        assertThat(bpe.encode("abc")).containsExactly("ab", "c</w>");
    }

    @Test
    void ignoresMergesBeyondClipsVocabularySize() throws IOException {
        String[] lines = new String[48894 + 1];
        Arrays.fill(lines, "q q");
        lines[48894] = "a b</w>";

        BytePairEncoder bpe = encoder(lines);

        assertThat(bpe.encode("ab")).containsExactly("a", "b</w>");
    }

    private BytePairEncoder encoder(String... merges) throws IOException {
        return BytePairEncoder.load(merges(merges), Set.of());
    }

    private Path merges(String... merges) throws IOException {
        return Files.writeString(dir.resolve("merges.txt"), "#version: 0.2\n" + String.join("\n", merges) + "\n");
    }
}
