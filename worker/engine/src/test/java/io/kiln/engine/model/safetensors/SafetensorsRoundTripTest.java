package io.kiln.engine.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class SafetensorsRoundTripTest {
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(
            value = SafetensorsDtype.class,
            names = {"BF16"},
            mode = EnumSource.Mode.EXCLUDE)
    void roundTripsEveryDtypeTheEngineHolds(SafetensorsDtype dtype) {
        Path file = dir.resolve("t.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray original = manager.create(new float[] {-2.5f, -1f, 0f, 0.5f, 1f, 3f, 7f, 100f}, new Shape(2, 4))
                    .toType(dtype.engineType(), false);

            SafetensorsWriter.write(file, Map.of("t", original), Map.of());

            try (SafetensorsFile read = SafetensorsFile.open(file)) {
                assertThat(read.info("t").dtype()).isEqualTo(dtype);
                assertThat(read.info("t").byteSize()).isEqualTo(8L * dtype.byteSize());
                NDArray loaded = read.load("t", manager);
                assertThat(loaded.getDataType()).isEqualTo(dtype.engineType());
                assertThat(loaded.getShape()).isEqualTo(new Shape(2, 4));
                assertThat(loaded.toByteArray()).isEqualTo(original.toByteArray());
                assertThat(loaded.getName()).isEqualTo("t");
            }
        }
    }

    @Test
    void writesTheReferenceLayoutMetadataFirstTensorsByNameHeaderSpacePadded() throws IOException {
        Path file = dir.resolve("layout.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = new LinkedHashMap<>();
            tensors.put("zeta", manager.create(new float[] {1, 2, 3}));
            tensors.put("alpha", manager.create(new long[] {4, 5}));
            SafetensorsWriter.write(file, tensors, Map.of("format", "pt"));
        }

        ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(ByteOrder.LITTLE_ENDIAN);
        long headerLength = bytes.getLong();
        String header = new String(bytes.array(), Long.BYTES, (int) headerLength, StandardCharsets.UTF_8);
        assertThat(headerLength % 8).isZero();
        assertThat(header.stripTrailing()).endsWith("}");
        assertThat(header.substring(header.stripTrailing().length())).matches(" {0,7}");
        JsonNode json = JsonMapper.builder().build().readTree(header);
        List<String> keys = new ArrayList<>(json.propertyNames());
        assertThat(keys).containsExactly("__metadata__", "alpha", "zeta");
        assertThat(json.get("alpha").toString()).isEqualTo("{\"dtype\":\"I64\",\"shape\":[2],\"data_offsets\":[0,16]}");
        assertThat(json.get("zeta").toString()).isEqualTo("{\"dtype\":\"F32\",\"shape\":[3],\"data_offsets\":[16,28]}");
        assertThat(Files.size(file)).isEqualTo(Long.BYTES + headerLength + 28);
    }

    @Test
    void readsBackNamesSortedAndMetadata() {
        Path file = dir.resolve("m.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            SafetensorsWriter.write(
                    file,
                    Map.of("b", manager.ones(new Shape(1)), "a", manager.ones(new Shape(1))),
                    Map.of("format", "pt", "note", "ünïcode"));
        }

        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertThat(read.names()).containsExactly("a", "b");
            assertThat(read.contains("a")).isTrue();
            assertThat(read.contains("c")).isFalse();
            assertThat(read.metadata()).isEqualTo(Map.of("format", "pt", "note", "ünïcode"));
        }
    }

    @Test
    void roundTripsScalarsAndEmptyTensors() {
        Path file = dir.resolve("edge.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            SafetensorsWriter.write(
                    file, Map.of("scalar", manager.create(42f), "empty", manager.zeros(new Shape(0, 3))), Map.of());

            try (SafetensorsFile read = SafetensorsFile.open(file)) {
                NDArray scalar = read.load("scalar", manager);
                NDArray empty = read.load("empty", manager);
                assertThat(scalar.getShape()).isEqualTo(new Shape());
                assertThat(scalar.getFloat()).isEqualTo(42f);
                assertThat(empty.getShape()).isEqualTo(new Shape(0, 3));
                assertThat(read.info("empty").byteSize()).isZero();
            }
        }
    }

    @Test
    void loadedArraysOwnTheirMemoryAndOutliveTheFile() {
        Path file = dir.resolve("owned.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            SafetensorsWriter.write(file, Map.of("w", manager.create(new float[] {1, 2, 3})), Map.of());
            NDArray first;
            try (SafetensorsFile read = SafetensorsFile.open(file)) {
                first = read.load("w", manager);
            }

            first.addi(10f);

            assertThat(first.toFloatArray()).containsExactly(11f, 12f, 13f);
            try (SafetensorsFile reread = SafetensorsFile.open(file)) {
                assertThat(reread.load("w", manager).toFloatArray()).containsExactly(1f, 2f, 3f);
            }
        }
    }

    @Test
    void refusesATensorNamedLikeTheMetadataEntry() {
        Path file = dir.resolve("reserved.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            Map<String, NDArray> tensors = Map.of("__metadata__", manager.ones(new Shape(1)));

            assertThatThrownBy(() -> SafetensorsWriter.write(file, tensors, Map.of()))
                    .isInstanceOf(SafetensorsException.class)
                    .hasMessageContaining(file.toString())
                    .hasMessageContaining("tensor '__metadata__'")
                    .hasMessageContaining("reserved");
        }
    }
}
