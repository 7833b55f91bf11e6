package io.kiln.engine.model.tokenizer;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * GPT-2's {@code bytes_to_unicode}, which CLIP reuses: every byte maps to one printable character, so BPE can work
 * on UTF-8 bytes as a string without whitespace or control characters in its symbols. Printable Latin-1 bytes
 * ({@code !}..{@code ~}, {@code ¡}..{@code ¬}, {@code ®}..{@code ÿ}) map to themselves; the other 68 bytes map, in
 * byte order, to U+0100 onwards. Public so that code which writes a vocabulary (the shapes world's) uses the same
 * table as the tokenizer that reads it.
 */
public final class ByteEncoder {
    private static final char[] BYTE_TO_CHAR = byteToChar();

    private ByteEncoder() {}

    /** The UTF-8 bytes of {@code text}, one mapped character per byte. */
    public static String encode(String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        char[] chars = new char[bytes.length];
        for (int i = 0; i < bytes.length; i++) {
            chars[i] = BYTE_TO_CHAR[bytes[i] & 0xFF];
        }
        return new String(chars);
    }

    /**
     * The 256 characters bytes map to, sorted by code point: the order of the first 256 entries of CLIP's
     * {@code vocab.json} (printable bytes first, as themselves, then the 68 others from U+0100).
     */
    public static String alphabet() {
        char[] sorted = BYTE_TO_CHAR.clone();
        Arrays.sort(sorted);
        return new String(sorted);
    }

    private static char[] byteToChar() {
        char[] table = new char[256];
        int next = 256;
        for (int b = 0; b < 256; b++) {
            boolean printable = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
            table[b] = (char) (printable ? b : next++);
        }
        return table;
    }
}
