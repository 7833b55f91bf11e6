package io.kiln.engine.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class SafetensorsCorruptFileTest {
    @TempDir
    Path dir;

    static Stream<Arguments> headersWithABadTensor() {
        return Stream.of(
                Arguments.of(
                        "offsets disagree with shape",
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}",
                        4,
                        "span 4 bytes but shape [2] of F32 needs 8"),
                Arguments.of(
                        "unknown dtype",
                        "{\"w\":{\"dtype\":\"F8_E4M3\",\"shape\":[2],\"data_offsets\":[0,2]}}",
                        2,
                        "unsupported dtype 'F8_E4M3'"),
                Arguments.of(
                        "overlapping tensors",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[4,12]}}",
                        12,
                        "overlap the tensor before, which ends at 8"),
                Arguments.of(
                        "gap between tensors",
                        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},"
                                + "\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[12,20]}}",
                        20,
                        "leave a gap after the tensor before, which ends at 8"),
                Arguments.of(
                        "data beyond the file",
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[0,16]}}",
                        12,
                        "truncated: data_offsets [0, 16] reach past the end of the data, which holds 12 bytes"),
                Arguments.of(
                        "no data_offsets", "{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", 8, "no data_offsets array"),
                Arguments.of(
                        "end before begin",
                        "{\"w\":{\"dtype\":\"U8\",\"shape\":[0],\"data_offsets\":[4,0]}}",
                        4,
                        "is not a [begin, end] pair"),
                Arguments.of(
                        "negative dimension",
                        "{\"w\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}",
                        4,
                        "shape holds -1, not a non-negative integer"),
                Arguments.of(
                        "overflowing shape",
                        "{\"w\":{\"dtype\":\"F64\",\"shape\":[4294967296,4294967296],\"data_offsets\":[0,8]}}",
                        8,
                        "overflows"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("headersWithABadTensor")
    void refusesAHeaderNamingTheFileAndTheTensor(String problem, String header, int dataBytes, String reason) {
        Path file = RawSafetensors.write(dir.resolve("bad.safetensors"), header, new byte[dataBytes]);

        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageStartingWith(file + ": tensor 'w': ")
                .hasMessageContaining(reason);
    }

    @Test
    void refusesAFileCutShortNamingTheTensorWhoseDataIsMissing() throws IOException {
        Path file = dir.resolve("cut.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            SafetensorsWriter.write(
                    file, Map.of("first", manager.ones(new Shape(4)), "second", manager.ones(new Shape(4))), Map.of());
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
            channel.truncate(channel.size() - 3);
        }

        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageStartingWith(file + ": tensor 'second': truncated");
    }

    @Test
    void refusesAHeaderLengthBeyondTheFile() {
        Path file = RawSafetensors.write(
                dir.resolve("short.safetensors"), 1000, "{}".getBytes(StandardCharsets.UTF_8), new byte[0]);

        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessage(file + ": truncated: the header length says 1000 bytes but only 2 follow it");
    }

    @Test
    void refusesAFileTooShortForTheHeaderLength() throws IOException {
        Path file = Files.write(dir.resolve("tiny.safetensors"), new byte[] {1, 2, 3});

        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageStartingWith(file + ": truncated: 3 bytes");
    }

    @Test
    void refusesAnAbsurdHeaderLengthBeforeAllocatingIt() {
        Path file = RawSafetensors.write(dir.resolve("huge.safetensors"), 1L << 40, new byte[0], new byte[0]);

        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageStartingWith(file + ": corrupt header length 1099511627776");
    }

    @Test
    void refusesCorruptHeaderJson() {
        Path file = RawSafetensors.write(dir.resolve("json.safetensors"), "{\"w\":{\"dtype\":\"F32\",", new byte[0]);

        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageStartingWith(file + ": corrupt header JSON");
    }

    @Test
    void refusesAHeaderThatIsNotAnObject() {
        Path file = RawSafetensors.write(dir.resolve("array.safetensors"), "[1, 2]", new byte[0]);

        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessage(file + ": corrupt header JSON: not an object");
    }

    @Test
    void refusesATensorNamedTwice() {
        Path file = RawSafetensors.write(
                dir.resolve("twice.safetensors"),
                "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]},"
                        + "\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[1,2]}}",
                new byte[2]);

        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessage(file + ": corrupt header JSON: Duplicate Object property \"w\"");
    }

    @Test
    void refusesBytesAfterTheLastTensor() {
        Path file = RawSafetensors.write(
                dir.resolve("trailing.safetensors"),
                "{\"w\":{\"dtype\":\"U8\",\"shape\":[2],\"data_offsets\":[0,2]}}",
                new byte[6]);

        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessage(file + ": 4 bytes follow the last tensor's data; a safetensors file has none");
    }

    @Test
    void refusesMetadataThatIsNotStrings() {
        Path file =
                RawSafetensors.write(dir.resolve("meta.safetensors"), "{\"__metadata__\":{\"epoch\":3}}", new byte[0]);

        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessage(file + ": __metadata__ entry 'epoch' is not a string");
    }

    @Test
    void namesTheFileAndTensorWhenATensorIsMissing() {
        Path file = RawSafetensors.write(
                dir.resolve("one.safetensors"),
                "{\"w\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[0,1]}}",
                new byte[1]);

        try (SafetensorsFile read = SafetensorsFile.open(file)) {
            assertThat(read.names()).containsExactly("w");
            assertThatThrownBy(() -> read.info("v"))
                    .isInstanceOf(SafetensorsException.class)
                    .hasMessage(file + ": tensor 'v': no such tensor among 1");
        }
    }

    @Test
    void namesTheFileWhenItDoesNotExist() {
        Path file = dir.resolve("absent.safetensors");

        assertThatThrownBy(() -> SafetensorsFile.open(file))
                .isInstanceOf(SafetensorsException.class)
                .hasMessageStartingWith(file + ": cannot open");
    }
}
