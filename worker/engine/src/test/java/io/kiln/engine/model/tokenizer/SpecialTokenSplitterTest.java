package io.kiln.engine.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Set;
import org.junit.jupiter.api.Test;

class SpecialTokenSplitterTest {
    private final SpecialTokenSplitter clip = new SpecialTokenSplitter(Set.of("<|startoftext|>", "<|endoftext|>"));

    @Test
    void cutsSpecialTokensOutKeepingTheSurroundingSpaces() {
        assertThat(clip.split("a <|endoftext|> b")).containsExactly("a ", "<|endoftext|>", " b");
    }

    @Test
    void leavesNoEmptyPiecesBetweenAdjacentTokens() {
        assertThat(clip.split("<|endoftext|><|startoftext|>x<|endoftext|>"))
                .containsExactly("<|endoftext|>", "<|startoftext|>", "x", "<|endoftext|>");
    }

    @Test
    void matchesCaseSensitively() {
        assertThat(clip.split("a <|ENDOFTEXT|>")).containsExactly("a <|ENDOFTEXT|>");
    }

    @Test
    void prefersTheLongestTokenStartingAtAPosition() {
        SpecialTokenSplitter splitter = new SpecialTokenSplitter(Set.of("<a>", "<a>b"));

        assertThat(splitter.split("x<a>by<a>")).containsExactly("x", "<a>b", "y", "<a>");
    }

    @Test
    void givesNoPiecesForEmptyText() {
        assertThat(clip.split("")).isEmpty();
    }
}
