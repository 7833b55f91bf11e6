package io.kiln.engine.model.safetensors;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.IntBuffer;
import java.nio.ShortBuffer;

/**
 * Widens bfloat16 to float32 on the host, because DJL's PyTorch engine aborts when asked to create a bfloat16
 * tensor. A bfloat16 is the upper 16 bits of a float32, so shifting its bits up is exact for every value, NaN and
 * infinities included.
 */
final class Bfloat16 {
    private Bfloat16() {}

    /** Float32 values, in the engine's (native) byte order, of the little-endian bfloat16 values in {@code bf16}. */
    static ByteBuffer widen(ByteBuffer bf16) {
        ShortBuffer halves = bf16.duplicate().order(ByteOrder.LITTLE_ENDIAN).asShortBuffer();
        ByteBuffer widened = ByteBuffer.allocateDirect(Math.multiplyExact(halves.remaining(), Float.BYTES))
                .order(ByteOrder.nativeOrder());
        IntBuffer bits = widened.asIntBuffer();
        while (halves.hasRemaining()) {
            bits.put(halves.get() << 16);
        }
        return widened;
    }
}
