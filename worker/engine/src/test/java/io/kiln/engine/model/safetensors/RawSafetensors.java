package io.kiln.engine.model.safetensors;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** Writes safetensors files byte by byte, so tests can build what the writer never would: corrupt files, BF16. */
final class RawSafetensors {
    private RawSafetensors() {}

    /** A file of {@code header} with its true length, followed by {@code data}. */
    static Path write(Path file, String header, byte[] data) {
        byte[] json = header.getBytes(StandardCharsets.UTF_8);
        return write(file, json.length, json, data);
    }

    /** A file whose length field says {@code declaredLength}, whatever {@code header} holds. */
    static Path write(Path file, long declaredLength, byte[] header, byte[] data) {
        ByteBuffer bytes = ByteBuffer.allocate(Long.BYTES + header.length + data.length)
                .order(ByteOrder.LITTLE_ENDIAN)
                .putLong(declaredLength)
                .put(header)
                .put(data);
        try {
            return Files.write(file, bytes.array());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code values} as little-endian bfloat16: the upper half of each value's float32 bits. */
    static byte[] bfloat16(float... values) {
        ByteBuffer bytes = ByteBuffer.allocate(values.length * 2).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : values) {
            bytes.putShort((short) (Float.floatToRawIntBits(value) >>> 16));
        }
        return bytes.array();
    }
}
