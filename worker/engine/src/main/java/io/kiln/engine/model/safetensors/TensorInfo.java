package io.kiln.engine.model.safetensors;

import ai.djl.ndarray.types.Shape;

/**
 * One tensor's header entry: its stored type and shape, and where its bytes lie, as offsets relative to the start
 * of the data section (the byte after the header).
 *
 * @param name the key the tensor is stored under
 * @param dtype the stored element type
 * @param shape the stored shape; {@code ()} for a scalar
 * @param dataBegin offset of the first byte
 * @param dataEnd offset just past the last byte
 */
public record TensorInfo(String name, SafetensorsDtype dtype, Shape shape, long dataBegin, long dataEnd) {
    /** The number of bytes the tensor occupies in the file. */
    public long byteSize() {
        return dataEnd - dataBegin;
    }
}
