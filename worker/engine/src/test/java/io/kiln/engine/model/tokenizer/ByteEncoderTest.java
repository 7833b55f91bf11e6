package io.kiln.engine.model.tokenizer;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ByteEncoderTest {
    @Test
    void keepsPrintableLatin1AsItIs() {
        assertThat(ByteEncoder.encode("a~!")).isEqualTo("a~!");
    }

    @Test
    void shiftsTheOtherBytesPastLatin1InByteOrder() {
        // GPT-2's table: byte 0 -> U+0100, space (the 33rd unprintable byte) -> U+0120 'Ġ', 0xAD -> U+0143 'Ń'.
        assertThat(ByteEncoder.encode("\u0000")).isEqualTo("\u0100");
        assertThat(ByteEncoder.encode(" ")).isEqualTo("\u0120");
        assertThat(ByteEncoder.encode("\u00AD")).isEqualTo("\u00C2\u0143");
    }

    @Test
    void encodesEachUtf8ByteAsOneCharacter() {
        assertThat(ByteEncoder.encode("é")).isEqualTo("Ã©");
        assertThat(ByteEncoder.encode("🎉")).isEqualTo("ðŁİī");
    }

    @Test
    void listsTheAlphabetInClipsVocabularyOrder() {
        String alphabet = ByteEncoder.alphabet();

        assertThat(alphabet).hasSize(256).startsWith("!\"#").endsWith("\u0142\u0143");
        assertThat(alphabet.chars().distinct().count()).isEqualTo(256);
        assertThat(alphabet.indexOf('~')).isEqualTo(93);
        assertThat(alphabet.indexOf('\u0100')).isEqualTo(188);
    }
}
