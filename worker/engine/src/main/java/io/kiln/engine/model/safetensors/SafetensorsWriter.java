package io.kiln.engine.model.safetensors;

import ai.djl.ndarray.NDArray;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes named arrays as a standard safetensors file, laid out as the reference implementation
 * (huggingface/safetensors {@code serialize}) lays one out: {@code __metadata__} first when there is any, tensors in
 * name order with contiguous data, and the header padded with spaces to a multiple of 8 bytes so that the data
 * section starts 8-byte aligned. Arrays are written one at a time, so the whole file is never held in memory.
 */
public final class SafetensorsWriter {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    private SafetensorsWriter() {}

    /**
     * Writes {@code tensors} and {@code metadata} to {@code file}, replacing it if it exists.
     *
     * @throws SafetensorsException if an array's type has no safetensors dtype, a tensor is named {@code
     *     __metadata__}, or the file cannot be written
     */
    public static void write(Path file, Map<String, NDArray> tensors, Map<String, String> metadata) {
        Map<String, NDArray> byName = new TreeMap<>(tensors);
        byte[] header = header(file, byName, metadata);
        try (FileChannel channel = FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            writeFully(
                    channel,
                    ByteBuffer.allocate(Long.BYTES)
                            .order(ByteOrder.LITTLE_ENDIAN)
                            .putLong(0, header.length));
            writeFully(channel, ByteBuffer.wrap(header));
            for (NDArray array : byName.values()) {
                // The engine hands out host-order bytes; Kiln's hosts (x86-64, aarch64) are little-endian.
                writeFully(channel, array.toByteBuffer());
            }
        } catch (IOException e) {
            throw new SafetensorsException(file, "cannot write: " + e, e);
        }
    }

    private static byte[] header(Path file, Map<String, NDArray> byName, Map<String, String> metadata) {
        Map<String, Object> entries = new LinkedHashMap<>();
        if (!metadata.isEmpty()) {
            entries.put(SafetensorsHeader.METADATA_KEY, metadata);
        }
        long offset = 0;
        for (Map.Entry<String, NDArray> tensor : byName.entrySet()) {
            String name = tensor.getKey();
            if (name.equals(SafetensorsHeader.METADATA_KEY)) {
                throw new SafetensorsException(file, name, "the name is reserved for the header's metadata");
            }
            NDArray array = tensor.getValue();
            SafetensorsDtype dtype = SafetensorsDtype.fromEngineType(array.getDataType())
                    .orElseThrow(() -> new SafetensorsException(
                            file, name, "engine type " + array.getDataType() + " has no safetensors dtype"));
            long end = offset + array.getShape().size() * dtype.byteSize();
            entries.put(name, new Entry(dtype.name(), array.getShape().getShape(), new long[] {offset, end}));
            offset = end;
        }
        byte[] json = JSON.writeValueAsBytes(entries);
        byte[] padded = Arrays.copyOf(json, (json.length + 7) / 8 * 8);
        Arrays.fill(padded, json.length, padded.length, (byte) ' ');
        return padded;
    }

    private static void writeFully(FileChannel channel, ByteBuffer bytes) throws IOException {
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    /** One tensor's header entry, in the reference's field order. */
    private record Entry(
            String dtype,
            long[] shape,
            @JsonProperty("data_offsets") long[] dataOffsets) {}
}
