package io.kiln.engine.model;

import ai.djl.Device;
import ai.djl.ndarray.types.DataType;
import io.kiln.engine.model.nn.AttentionSlicing;
import java.util.Locale;
import java.util.Set;

/**
 * Where and how a model runs: fp32 on the CPU by default; fp16 and a GPU by configuration, with the same code.
 *
 * <p>bf16 is refused: DJL 0.35.1's PyTorch engine aborts the whole JVM when it creates a bf16 tensor, which no
 * worker may risk.
 */
public record ModelOptions(Device device, DataType dtype, AttentionSlicing slicing) {
    private static final Set<DataType> FLOATS = Set.of(DataType.FLOAT32, DataType.FLOAT16);

    public ModelOptions {
        if (!FLOATS.contains(dtype)) {
            throw new IllegalArgumentException("dtype: must be float32 or float16, got " + dtype);
        }
    }

    /** fp32 on the CPU, attention sliced automatically. */
    public static ModelOptions cpu() {
        return new ModelOptions(Device.cpu(), DataType.FLOAT32, AttentionSlicing.AUTO);
    }

    /**
     * Options from configuration strings: {@code device} as DJL names it ({@code cpu}, {@code gpu}, {@code gpu:1})
     * and {@code dtype} {@code float32} or {@code float16}.
     */
    public static ModelOptions parse(String device, String dtype) {
        DataType type =
                switch (dtype.toLowerCase(Locale.ROOT)) {
                    case "float32", "fp32" -> DataType.FLOAT32;
                    case "float16", "fp16" -> DataType.FLOAT16;
                    case "bfloat16", "bf16" ->
                        throw new IllegalArgumentException(
                                "dtype: bfloat16 is not supported (DJL 0.35.1's PyTorch engine aborts on it); use"
                                        + " float16");
                    default ->
                        throw new IllegalArgumentException("dtype: must be float32 or float16, got '" + dtype + "'");
                };
        return new ModelOptions(Device.fromName(device), type, AttentionSlicing.AUTO);
    }
}
