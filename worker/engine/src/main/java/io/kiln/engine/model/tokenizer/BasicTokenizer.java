package io.kiln.engine.model.tokenizer;

import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The text clean-up and whitespace split that transformers' slow {@code CLIPTokenizer} runs when ftfy is not
 * installed: {@code BasicTokenizer(do_lower_case=True, strip_accents=False, do_split_on_punc=False)} from
 * {@code models/bert/tokenization_bert.py} (transformers bc78fd1). In the reference's order:
 *
 * <ol>
 *   <li>{@code _clean_text}: drop U+0000, U+FFFD and every character of a "C" category except tab, newline and
 *       carriage return; turn those three and every "Zs" character into a space;
 *   <li>{@code _tokenize_chinese_chars}: put spaces around CJK ideographs;
 *   <li>NFC-normalise;
 *   <li>{@code whitespace_tokenize}: split on Python's {@code str.split()} whitespace;
 *   <li>lowercase each word with Python's {@code str.lower()}; accents are kept ({@code strip_accents=False} skips
 *       the NFD step) and punctuation is not split off.
 * </ol>
 */
final class BasicTokenizer {
    private BasicTokenizer() {}

    /** The words of {@code text}, cleaned and lowercased. */
    static List<String> tokenize(String text) {
        String spaced = spaceOutIdeographs(clean(text));
        List<String> words = new ArrayList<>();
        for (String word : splitOnWhitespace(Normalizer.normalize(spaced, Normalizer.Form.NFC))) {
            // Java's root-locale lowercasing applies the same full mappings as Python's str.lower(), including
            // U+0130 to "i̇" and the context-dependent final sigma. The reference splits once more after
            // lowercasing; no lowercase mapping yields whitespace, so that split changes nothing.
            words.add(word.toLowerCase(Locale.ROOT));
        }
        return words;
    }

    private static String clean(String text) {
        StringBuilder cleaned = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (c == 0 || c == 0xFFFD || isControl(c)) {
                return;
            }
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || Character.getType(c) == Character.SPACE_SEPARATOR) {
                cleaned.append(' ');
            } else {
                cleaned.appendCodePoint(c);
            }
        });
        return cleaned.toString();
    }

    /** {@code _is_control}: a "C" category (Cc, Cf, Cs, Co, Cn) other than the three whitespace controls. */
    private static boolean isControl(int c) {
        if (c == '\t' || c == '\n' || c == '\r') {
            return false;
        }
        return switch (Character.getType(c)) {
            case Character.CONTROL,
                    Character.FORMAT,
                    Character.SURROGATE,
                    Character.PRIVATE_USE,
                    Character.UNASSIGNED -> true;
            default -> false;
        };
    }

    private static String spaceOutIdeographs(String text) {
        StringBuilder spaced = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            if (isCjkIdeograph(c)) {
                spaced.append(' ').appendCodePoint(c).append(' ');
            } else {
                spaced.appendCodePoint(c);
            }
        });
        return spaced.toString();
    }

    /**
     * {@code _is_chinese_char}: the CJK Unified Ideographs blocks and extensions A to E plus the compatibility
     * ideographs. Kana and Hangul are not in it, so Japanese and Korean words stay whole.
     */
    private static boolean isCjkIdeograph(int c) {
        return (c >= 0x4E00 && c <= 0x9FFF)
                || (c >= 0x3400 && c <= 0x4DBF)
                || (c >= 0x20000 && c <= 0x2A6DF)
                || (c >= 0x2A700 && c <= 0x2B73F)
                || (c >= 0x2B740 && c <= 0x2B81F)
                || (c >= 0x2B820 && c <= 0x2CEAF)
                || (c >= 0xF900 && c <= 0xFAFF)
                || (c >= 0x2F800 && c <= 0x2FA1F);
    }

    private static List<String> splitOnWhitespace(String text) {
        List<String> words = new ArrayList<>();
        int start = -1;
        for (int i = 0; i < text.length(); ) {
            int c = text.codePointAt(i);
            if (isPythonWhitespace(c)) {
                if (start >= 0) {
                    words.add(text.substring(start, i));
                    start = -1;
                }
            } else if (start < 0) {
                start = i;
            }
            i += Character.charCount(c);
        }
        if (start >= 0) {
            words.add(text.substring(start));
        }
        return words;
    }

    /**
     * Python's {@code str.isspace()}: category Zs or bidirectional class WS, B or S. After cleaning, this still
     * matters for U+2028 and U+2029, which are neither controls nor Zs.
     */
    private static boolean isPythonWhitespace(int c) {
        if (Character.getType(c) == Character.SPACE_SEPARATOR) {
            return true;
        }
        byte direction = Character.getDirectionality(c);
        return direction == Character.DIRECTIONALITY_WHITESPACE
                || direction == Character.DIRECTIONALITY_PARAGRAPH_SEPARATOR
                || direction == Character.DIRECTIONALITY_SEGMENT_SEPARATOR;
    }
}
