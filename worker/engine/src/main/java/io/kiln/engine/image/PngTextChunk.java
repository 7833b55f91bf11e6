package io.kiln.engine.image;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;

/**
 * One uncompressed PNG text chunk (PNG spec §11.3.4): {@code tEXt} when the text is Latin-1, the only encoding
 * {@code tEXt} allows, otherwise {@code iTXt} with UTF-8. Pillow's {@code PngInfo.add_text} chooses the same way, so
 * A1111 and Kiln write the same chunk for the same prompt.
 */
final class PngTextChunk {
    private PngTextChunk() {}

    /**
     * The whole chunk: length, type, data, CRC-32 of type and data.
     *
     * @param keyword 1 to 79 printable Latin-1 characters, as the spec requires (not checked: callers pass constants)
     */
    static byte[] of(String keyword, String text) {
        ByteArrayOutputStream data = new ByteArrayOutputStream(keyword.length() + 5 + text.length());
        data.writeBytes(keyword.getBytes(StandardCharsets.ISO_8859_1));
        data.write(0);
        String type;
        if (StandardCharsets.ISO_8859_1.newEncoder().canEncode(text)) {
            type = "tEXt";
            data.writeBytes(text.getBytes(StandardCharsets.ISO_8859_1));
        } else {
            type = "iTXt";
            data.write(0); // compression flag: uncompressed
            data.write(0); // compression method
            data.write(0); // empty language tag
            data.write(0); // empty translated keyword
            data.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        }
        return chunk(type, data.toByteArray());
    }

    private static byte[] chunk(String type, byte[] data) {
        byte[] typeBytes = type.getBytes(StandardCharsets.US_ASCII);
        CRC32 crc = new CRC32();
        crc.update(typeBytes);
        crc.update(data);
        return ByteBuffer.allocate(12 + data.length)
                .putInt(data.length)
                .put(typeBytes)
                .put(data)
                .putInt((int) crc.getValue())
                .array();
    }
}
