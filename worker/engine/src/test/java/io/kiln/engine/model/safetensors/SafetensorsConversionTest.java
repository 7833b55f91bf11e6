package io.kiln.engine.model.safetensors;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SafetensorsConversionTest {
    /** Values float16 holds exactly: signed zeros, its largest and smallest (subnormal) magnitudes, infinities, NaN. */
    private static final float[] HALF_EXACT = {
        0f,
        -0f,
        1f,
        -2f,
        0.5f,
        3.140625f,
        65504f,
        0x1p-14f,
        0x1p-24f,
        Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY,
        Float.NaN
    };

    /** Values bfloat16 holds exactly: the float32 range, a subnormal, signed zero, infinities, NaN. */
    private static final float[] BFLOAT_EXACT = {
        1f, -2.5f, 0.15625f, 0x1.fep127f, -0x1p-126f, 0x1p-133f, -0f, Float.POSITIVE_INFINITY, Float.NaN
    };

    @TempDir
    Path dir;

    @Test
    void widensFloat16ToFloat32Exactly() {
        Path file = dir.resolve("f16.safetensors");
        try (NDManager manager = NDManager.newBaseManager()) {
            NDArray half = manager.create(HALF_EXACT).toType(DataType.FLOAT16, false);
            SafetensorsWriter.write(file, Map.of("w", half), Map.of());

            try (SafetensorsFile read = SafetensorsFile.open(file)) {
                NDArray widened = read.load("w", manager, DataType.FLOAT32);

                assertThat(read.info("w").dtype()).isEqualTo(SafetensorsDtype.F16);
                assertThat(widened.getDataType()).isEqualTo(DataType.FLOAT32);
                assertThat(widened.toFloatArray()).containsExactly(HALF_EXACT);
            }
        }
    }

    @Test
    void widensBfloat16ToFloat32Exactly() {
        Path file = RawSafetensors.write(
                dir.resolve("bf16.safetensors"),
                "{\"w\":{\"dtype\":\"BF16\",\"shape\":[9],\"data_offsets\":[0,18]}}",
                RawSafetensors.bfloat16(BFLOAT_EXACT));
        try (NDManager manager = NDManager.newBaseManager();
                SafetensorsFile read = SafetensorsFile.open(file)) {
            NDArray asked = read.load("w", manager, DataType.FLOAT32);
            NDArray byDefault = read.load("w", manager);

            assertThat(asked.toFloatArray()).containsExactly(BFLOAT_EXACT);
            assertThat(byDefault.getDataType()).isEqualTo(DataType.FLOAT32);
            assertThat(byDefault.toFloatArray()).containsExactly(BFLOAT_EXACT);
        }
    }

    @Test
    void convertsBfloat16ToFloat16() {
        Path file = RawSafetensors.write(
                dir.resolve("bf16.safetensors"),
                "{\"w\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]}}",
                RawSafetensors.bfloat16(1f, -2.5f));
        try (NDManager manager = NDManager.newBaseManager();
                SafetensorsFile read = SafetensorsFile.open(file)) {
            NDArray half = read.load("w", manager, DataType.FLOAT16);

            assertThat(half.getDataType()).isEqualTo(DataType.FLOAT16);
            assertThat(half.toType(DataType.FLOAT32, false).toFloatArray()).containsExactly(1f, -2.5f);
        }
    }

    @Test
    void narrowsFloat32ToFloat16RoundingToNearest() {
        Path file = dir.resolve("f32.safetensors");
        float third = 1f / 3;
        try (NDManager manager = NDManager.newBaseManager()) {
            SafetensorsWriter.write(file, Map.of("w", manager.create(new float[] {third, 1f})), Map.of());

            try (SafetensorsFile read = SafetensorsFile.open(file)) {
                NDArray half = read.load("w", manager, DataType.FLOAT16);

                assertThat(half.getDataType()).isEqualTo(DataType.FLOAT16);
                assertThat(half.toType(DataType.FLOAT32, false).toFloatArray())
                        .containsExactly(Float.float16ToFloat(Float.floatToFloat16(third)), 1f);
            }
        }
    }
}
