package io.kiln.engine.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class BasicTokenizerTest {
    @Test
    void dropsNulReplacementControlFormatAndPrivateUseCharacters() {
        assertThat(BasicTokenizer.tokenize("a\u0000b\uFFFDc\u0007d\u200Be\u00ADf\uE000g\u0085h"))
                .containsExactly("abcdefgh");
    }

    @Test
    void dropsLoneSurrogates() {
        assertThat(BasicTokenizer.tokenize("a\uD83Db")).containsExactly("ab");
    }

    @Test
    void splitsOnTabsNewlinesAndUnicodeSpaces() {
        assertThat(BasicTokenizer.tokenize("  a\tb\nc\rd\u00A0e\u3000f\u2009g  "))
                .containsExactly("a", "b", "c", "d", "e", "f", "g");
    }

    @Test
    void splitsOnLineAndParagraphSeparatorsAsPythonStrSplitDoes() {
        assertThat(BasicTokenizer.tokenize("a\u2028b\u2029c")).containsExactly("a", "b", "c");
    }

    @Test
    void isolatesCjkIdeographsButKeepsKanaAndHangulWordsWhole() {
        assertThat(BasicTokenizer.tokenize("東京の夜景 한국어 カタカナ")).containsExactly("東", "京", "の", "夜", "景", "한국어", "カタカナ");
    }

    @Test
    void lowercasesWithPythonsFullAndContextualMappings() {
        assertThat(BasicTokenizer.tokenize("İSTANBUL ΟΔΟΣ Σ ÀÉÎ"))
                .containsExactly("i\u0307stanbul", "οδο\u03C2", "\u03C3", "àéî");
    }

    @Test
    void composesToNfcButNeverStripsAccents() {
        assertThat(BasicTokenizer.tokenize("Cafe\u0301 A\u030Angstro\u0308m"))
                .containsExactly("caf\u00E9", "\u00E5ngstr\u00F6m");
    }

    @Test
    void leavesPunctuationAttachedToItsWord() {
        assertThat(BasicTokenizer.tokenize("Hello, world! (a:1.2)")).containsExactly("hello,", "world!", "(a:1.2)");
    }

    @Test
    void givesNoWordsForBlankText() {
        assertThat(BasicTokenizer.tokenize(" \t\n\u200B")).isEmpty();
    }
}
