package io.kiln.engine.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/** A PNG's chunks, read independently of ImageIO so a test sees the exact bytes written; checks every CRC. */
record PngChunks(List<Chunk> chunks) {
    private static final byte[] SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    record Chunk(String type, byte[] data) {}

    static PngChunks read(byte[] png) {
        assertThat(Arrays.copyOf(png, 8)).as("PNG signature").isEqualTo(SIGNATURE);
        ByteBuffer in = ByteBuffer.wrap(png, 8, png.length - 8);
        List<Chunk> chunks = new ArrayList<>();
        while (in.hasRemaining()) {
            int length = in.getInt();
            byte[] type = new byte[4];
            in.get(type);
            byte[] data = new byte[length];
            in.get(data);
            CRC32 crc = new CRC32();
            crc.update(type);
            crc.update(data);
            String name = new String(type, StandardCharsets.US_ASCII);
            assertThat(in.getInt()).as("CRC of " + name).isEqualTo((int) crc.getValue());
            chunks.add(new Chunk(name, data));
        }
        return new PngChunks(List.copyOf(chunks));
    }

    List<String> types() {
        return chunks.stream().map(Chunk::type).toList();
    }

    List<Chunk> ofType(String type) {
        return chunks.stream().filter(chunk -> chunk.type().equals(type)).toList();
    }
}
