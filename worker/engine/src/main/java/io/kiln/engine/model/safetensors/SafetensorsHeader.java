package io.kiln.engine.model.safetensors;

import ai.djl.ndarray.types.Shape;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * The parsed and validated header of a safetensors file.
 *
 * <p>Validation follows the reference implementation (huggingface/safetensors, {@code safetensors/src/tensor.rs},
 * {@code read_metadata} and {@code Metadata::validate}): the header is at most 100 MB; every tensor's byte span
 * equals its element count times its dtype size; and the spans, taken in offset order, tile the data section
 * exactly, with no gap, no overlap and nothing after the last tensor. A file breaking any of these is refused when it
 * is opened rather than misread later.
 *
 * @param dataStart the file position of the data section, to which every tensor's offsets are relative
 * @param tensors the tensor entries by name, sorted by name
 * @param metadata the free-form {@code __metadata__} strings, empty when absent
 */
record SafetensorsHeader(long dataStart, Map<String, TensorInfo> tensors, Map<String, String> metadata) {
    static final String METADATA_KEY = "__metadata__";

    /** The reference's {@code MAX_HEADER_SIZE}: a larger length is corruption, not a header. */
    private static final long MAX_HEADER_BYTES = 100_000_000L;

    private static final JsonMapper JSON = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .build();

    /** Reads and validates the header of {@code file}, open as {@code channel}. */
    static SafetensorsHeader read(Path file, FileChannel channel) throws IOException {
        long fileSize = channel.size();
        if (fileSize < Long.BYTES) {
            throw new SafetensorsException(file, "truncated: " + fileSize + " bytes, too short for the header length");
        }
        long headerLength =
                readFully(channel, 0, Long.BYTES).order(ByteOrder.LITTLE_ENDIAN).getLong();
        if (headerLength < 0 || headerLength > MAX_HEADER_BYTES) {
            throw new SafetensorsException(
                    file,
                    "corrupt header length " + Long.toUnsignedString(headerLength) + " (at most " + MAX_HEADER_BYTES
                            + " bytes)");
        }
        long dataStart = Long.BYTES + headerLength;
        if (dataStart > fileSize) {
            throw new SafetensorsException(
                    file,
                    "truncated: the header length says " + headerLength + " bytes but only " + (fileSize - Long.BYTES)
                            + " follow it");
        }
        JsonNode root =
                parse(file, readFully(channel, Long.BYTES, (int) headerLength).array());
        SortedMap<String, TensorInfo> tensors = new TreeMap<>();
        Map<String, String> metadata = Map.of();
        for (Map.Entry<String, JsonNode> entry : root.properties()) {
            if (entry.getKey().equals(METADATA_KEY)) {
                metadata = metadata(file, entry.getValue());
            } else {
                tensors.put(entry.getKey(), tensor(file, entry.getKey(), entry.getValue()));
            }
        }
        checkLayout(file, tensors.values().stream().toList(), fileSize - dataStart);
        return new SafetensorsHeader(dataStart, Collections.unmodifiableSortedMap(tensors), metadata);
    }

    private static ByteBuffer readFully(FileChannel channel, long position, int length) throws IOException {
        ByteBuffer buffer = ByteBuffer.allocate(length);
        while (buffer.hasRemaining()) {
            if (channel.read(buffer, position + buffer.position()) < 0) {
                throw new EOFException("file ended at byte " + (position + buffer.position()));
            }
        }
        return buffer.flip();
    }

    private static JsonNode parse(Path file, byte[] json) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JacksonException e) {
            throw new SafetensorsException(file, "corrupt header JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new SafetensorsException(file, "corrupt header JSON: not an object");
        }
        return root;
    }

    private static Map<String, String> metadata(Path file, JsonNode node) {
        if (!node.isObject()) {
            throw new SafetensorsException(file, METADATA_KEY + " is not an object");
        }
        Map<String, String> metadata = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : node.properties()) {
            if (!entry.getValue().isString()) {
                throw new SafetensorsException(file, METADATA_KEY + " entry '" + entry.getKey() + "' is not a string");
            }
            metadata.put(entry.getKey(), entry.getValue().asString());
        }
        return Collections.unmodifiableMap(metadata);
    }

    private static TensorInfo tensor(Path file, String name, JsonNode node) {
        JsonNode code = node.get("dtype");
        if (code == null || !code.isString()) {
            throw new SafetensorsException(file, name, "header entry has no dtype string");
        }
        SafetensorsDtype dtype = SafetensorsDtype.fromCode(code.asString())
                .orElseThrow(() -> new SafetensorsException(
                        file,
                        name,
                        "unsupported dtype '" + code.asString() + "' (Kiln reads "
                                + Arrays.toString(SafetensorsDtype.values()) + ")"));
        long[] shape = naturals(file, name, node.get("shape"), "shape");
        long[] offsets = naturals(file, name, node.get("data_offsets"), "data_offsets");
        if (offsets.length != 2 || offsets[1] < offsets[0]) {
            throw new SafetensorsException(
                    file, name, "data_offsets " + Arrays.toString(offsets) + " is not a [begin, end] pair");
        }
        long needed = byteSize(file, name, shape, dtype);
        if (offsets[1] - offsets[0] != needed) {
            throw new SafetensorsException(
                    file,
                    name,
                    "data_offsets " + Arrays.toString(offsets) + " span " + (offsets[1] - offsets[0])
                            + " bytes but shape " + Arrays.toString(shape) + " of " + dtype + " needs " + needed);
        }
        return new TensorInfo(name, dtype, new Shape(shape), offsets[0], offsets[1]);
    }

    private static long[] naturals(Path file, String name, JsonNode node, String field) {
        if (node == null || !node.isArray()) {
            throw new SafetensorsException(file, name, "header entry has no " + field + " array");
        }
        long[] values = new long[node.size()];
        for (int i = 0; i < values.length; i++) {
            JsonNode value = node.get(i);
            if (!value.isIntegralNumber() || !(value.isInt() || value.isLong()) || value.asLong() < 0) {
                throw new SafetensorsException(file, name, field + " holds " + value + ", not a non-negative integer");
            }
            values[i] = value.asLong();
        }
        return values;
    }

    private static long byteSize(Path file, String name, long[] shape, SafetensorsDtype dtype) {
        try {
            long size = dtype.byteSize();
            for (long dimension : shape) {
                size = Math.multiplyExact(size, dimension);
            }
            return size;
        } catch (ArithmeticException e) {
            throw new SafetensorsException(file, name, "shape " + Arrays.toString(shape) + " overflows a 64-bit size");
        }
    }

    private static void checkLayout(Path file, List<TensorInfo> tensors, long dataLength) {
        List<TensorInfo> byOffset = tensors.stream()
                .sorted(Comparator.comparingLong(TensorInfo::dataBegin).thenComparingLong(TensorInfo::dataEnd))
                .toList();
        long end = 0;
        for (TensorInfo info : byOffset) {
            if (info.dataBegin() != end) {
                String relation = info.dataBegin() < end ? "overlap" : "leave a gap after";
                throw new SafetensorsException(
                        file,
                        info.name(),
                        "data_offsets [" + info.dataBegin() + ", " + info.dataEnd() + "] " + relation
                                + " the tensor before, which ends at " + end);
            }
            if (info.dataEnd() > dataLength) {
                throw new SafetensorsException(
                        file,
                        info.name(),
                        "truncated: data_offsets [" + info.dataBegin() + ", " + info.dataEnd()
                                + "] reach past the end of the data, which holds " + dataLength + " bytes");
            }
            end = info.dataEnd();
        }
        if (end != dataLength) {
            throw new SafetensorsException(
                    file, (dataLength - end) + " bytes follow the last tensor's data; a safetensors file has none");
        }
    }
}
