package io.kiln.engine.model.safetensors;

import ai.djl.ndarray.types.DataType;
import java.util.Arrays;
import java.util.Optional;

/**
 * The safetensors element types Kiln reads and writes, by their header code, with the engine type each loads as.
 * The format's other codes (I16, U16, U32, U64, the F8 variants) are refused when a file is opened: DJL has no F8
 * type, its PyTorch engine aborts the JVM when asked to create the 16-bit and wide unsigned ones, and no Stable
 * Diffusion checkpoint uses any of them.
 */
public enum SafetensorsDtype {
    F64(8, DataType.FLOAT64),
    F32(4, DataType.FLOAT32),
    F16(2, DataType.FLOAT16),
    /** bfloat16 loads as {@link DataType#FLOAT32}: the engine cannot create bfloat16 tensors, so it is widened. */
    BF16(2, DataType.FLOAT32),
    I64(8, DataType.INT64),
    I32(4, DataType.INT32),
    I8(1, DataType.INT8),
    U8(1, DataType.UINT8),
    BOOL(1, DataType.BOOLEAN);

    private final int byteSize;
    private final DataType engineType;

    SafetensorsDtype(int byteSize, DataType engineType) {
        this.byteSize = byteSize;
        this.engineType = engineType;
    }

    /** Bytes per element in the file. */
    public int byteSize() {
        return byteSize;
    }

    /** The engine type a tensor of this dtype loads as when no other type is asked for. */
    public DataType engineType() {
        return engineType;
    }

    /** The dtype written by a header {@code "dtype"} code such as {@code "F32"}, if Kiln supports it. */
    public static Optional<SafetensorsDtype> fromCode(String code) {
        return Arrays.stream(values()).filter(d -> d.name().equals(code)).findFirst();
    }

    /** The dtype that stores an engine array of {@code type} bit for bit, if there is one. */
    public static Optional<SafetensorsDtype> fromEngineType(DataType type) {
        return Arrays.stream(values())
                .filter(d -> d != BF16 && d.engineType == type)
                .findFirst();
    }
}
