package io.kiln.engine.model.safetensors;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.channels.FileChannel.MapMode;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.Set;

/**
 * A safetensors file open for reading: its header is parsed and validated once at {@link #open}, then each tensor
 * is read on demand through a memory mapping of just its bytes. Files of any size therefore work (SD 1.5 in float32
 * is 3.4 GB, beyond the 2 GiB where DJL's {@code NDList.decode} stops), and loading one tensor never reads another.
 *
 * <p>A loaded array owns its memory: the engine copies it out of the mapping, so it stays valid after the file is
 * closed or replaced on disk, and writing to it can never reach the file. Safe for concurrent loads from many
 * threads.
 */
public final class SafetensorsFile implements AutoCloseable {
    private final Path path;
    private final FileChannel channel;
    private final SafetensorsHeader header;

    private SafetensorsFile(Path path, FileChannel channel, SafetensorsHeader header) {
        this.path = path;
        this.channel = channel;
        this.header = header;
    }

    /**
     * Opens {@code path} and validates its header.
     *
     * @throws SafetensorsException if the file cannot be read, is truncated, or its header is corrupt or describes
     *     tensors that do not fit the data
     */
    public static SafetensorsFile open(Path path) {
        FileChannel channel;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
        } catch (IOException e) {
            throw new SafetensorsException(path, "cannot open: " + e, e);
        }
        try {
            return new SafetensorsFile(path, channel, SafetensorsHeader.read(path, channel));
        } catch (IOException | RuntimeException e) {
            try {
                channel.close();
            } catch (IOException closing) {
                e.addSuppressed(closing);
            }
            throw e instanceof SafetensorsException refused
                    ? refused
                    : new SafetensorsException(path, "cannot read the header: " + e, e);
        }
    }

    /** The file this was opened from. */
    public Path path() {
        return path;
    }

    /** The names of all tensors, sorted. */
    public Set<String> names() {
        return header.tensors().keySet();
    }

    /** Whether a tensor named {@code name} is stored. */
    public boolean contains(String name) {
        return header.tensors().containsKey(name);
    }

    /**
     * The header entry of tensor {@code name}, read without touching its data.
     *
     * @throws SafetensorsException if there is no such tensor
     */
    public TensorInfo info(String name) {
        TensorInfo info = header.tensors().get(name);
        if (info == null) {
            throw new SafetensorsException(path, name, "no such tensor among " + names().size());
        }
        return info;
    }

    /** The {@code __metadata__} strings of the header; empty when it has none. */
    public Map<String, String> metadata() {
        return header.metadata();
    }

    /** Loads tensor {@code name} into {@code manager} as its dtype's {@link SafetensorsDtype#engineType()}. */
    public NDArray load(String name, NDManager manager) {
        return load(name, manager, info(name).dtype().engineType());
    }

    /**
     * Loads tensor {@code name} into {@code manager}, converted to {@code type} (for example float16 weights to
     * {@link DataType#FLOAT32}). The array is named {@code name}.
     *
     * @throws SafetensorsException if there is no such tensor or its bytes cannot be mapped
     */
    public NDArray load(String name, NDManager manager, DataType type) {
        TensorInfo info = info(name);
        ByteBuffer stored = map(info);
        ByteBuffer engineBytes = info.dtype() == SafetensorsDtype.BF16 ? Bfloat16.widen(stored) : stored;
        try (NDManager scratch = manager.newSubManager()) {
            // The view shares the mapped bytes; only the copy below may outlive this method.
            NDArray view =
                    scratch.create(engineBytes, info.shape(), info.dtype().engineType());
            // duplicate(), not toType(type, true): DJL's PyTorch engine returns an alias for a same-type toType
            // even when asked to copy, and that alias would point into the mapping once it is gone.
            NDArray owned = view.getDataType() == type ? view.duplicate() : view.toType(type, false);
            owned.setName(name);
            owned.attach(manager);
            return owned;
        }
    }

    private ByteBuffer map(TensorInfo info) {
        if (info.byteSize() > Integer.MAX_VALUE) {
            throw new SafetensorsException(
                    path, info.name(), info.byteSize() + " bytes: a single tensor must be under 2 GiB to map");
        }
        if (!channel.isOpen()) {
            throw new IllegalStateException(path + " is closed");
        }
        try {
            return channel.map(MapMode.READ_ONLY, header.dataStart() + info.dataBegin(), info.byteSize())
                    .order(ByteOrder.LITTLE_ENDIAN);
        } catch (IOException e) {
            throw new SafetensorsException(path, info.name(), "cannot map its bytes: " + e, e);
        }
    }

    /** Closes the file; arrays already loaded stay valid. */
    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new SafetensorsException(path, "cannot close: " + e, e);
        }
    }
}
