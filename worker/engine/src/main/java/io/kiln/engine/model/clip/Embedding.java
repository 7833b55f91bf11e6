package io.kiln.engine.model.clip;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.types.SparseFormat;
import io.kiln.engine.model.nn.Module;
import io.kiln.engine.model.nn.Parameter;

/** A lookup table, as {@code torch.nn.Embedding}: the row of {@code weight} (count, D) for every id. */
final class Embedding extends Module {
    private final Parameter weight;

    Embedding(long count, long dim) {
        this.weight = parameter("weight", count, dim);
    }

    /** Integer ids (…) → (…, D). */
    NDArray forward(NDArray ids) {
        return ai.djl.nn.core.Embedding.embedding(ids, weight.array(), SparseFormat.DENSE)
                .singletonOrThrow();
    }
}
