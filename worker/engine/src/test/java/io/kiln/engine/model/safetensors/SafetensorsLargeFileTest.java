package io.kiln.engine.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files past 2 GiB, as SD 1.5 in float32 (3.4 GB) is, built sparse: the 2 GiB hole before the tensor under test
 * costs no disk and is never read.
 */
class SafetensorsLargeFileTest {
    private static final long HOLE = (1L << 31) + 8;

    @TempDir
    Path dir;

    @Test
    void loadsATensorStoredBeyondTheFirstTwoGibibytes() throws IOException {
        Path file = sparseFileWithTailAfterHole();

        try (NDManager manager = NDManager.newBaseManager();
                SafetensorsFile read = SafetensorsFile.open(file)) {
            assertThat(read.info("tail").dataBegin()).isEqualTo(HOLE);
            assertThat(read.load("tail", manager, DataType.FLOAT32).toFloatArray())
                    .containsExactly(1.5f, -2f, 3.25f, 1e-3f);
        }
    }

    @Test
    void refusesToMapASingleTensorOfTwoGibibytesOrMore() throws IOException {
        Path file = sparseFileWithTailAfterHole();

        try (NDManager manager = NDManager.newBaseManager();
                SafetensorsFile read = SafetensorsFile.open(file)) {
            assertThatThrownBy(() -> read.load("hole", manager))
                    .isInstanceOf(SafetensorsException.class)
                    .hasMessage(
                            file + ": tensor 'hole': " + HOLE + " bytes: a single tensor must be under 2 GiB to map");
        }
    }

    private Path sparseFileWithTailAfterHole() throws IOException {
        Path file = dir.resolve("large.safetensors");
        byte[] header = ("{\"hole\":{\"dtype\":\"U8\",\"shape\":[" + HOLE + "],\"data_offsets\":[0," + HOLE + "]},"
                        + "\"tail\":{\"dtype\":\"F32\",\"shape\":[4],\"data_offsets\":[" + HOLE + "," + (HOLE + 16)
                        + "]}}")
                .getBytes(StandardCharsets.UTF_8);
        ByteBuffer tail = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        for (float value : new float[] {1.5f, -2f, 3.25f, 1e-3f}) {
            tail.putFloat(value);
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            ByteBuffer length = ByteBuffer.allocate(Long.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN)
                    .putLong(0, header.length);
            raf.write(length.array());
            raf.write(header);
            long dataStart = Long.BYTES + header.length;
            raf.setLength(dataStart + HOLE + 16);
            raf.seek(dataStart + HOLE);
            raf.write(tail.array());
        }
        return file;
    }
}
