package io.kiln.jobs;

import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.pipeline.ImageSize;
import io.kiln.engine.sampling.Sampler;
import java.util.Objects;

/**
 * The model requests are resolved against: the name they may ask for, and the defaults it brings.
 *
 * @param nativeSize the size it was trained at, for a request that gives none
 * @param defaultSampler the sampler its scheduler config names, for a request that names none
 */
public record ServedModel(String name, ImageSize nativeSize, Sampler defaultSampler) {
    public ServedModel {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(nativeSize, "nativeSize");
        Objects.requireNonNull(defaultSampler, "defaultSampler");
    }

    /** {@code model}, served under {@code name}. */
    public static ServedModel of(String name, StableDiffusionModel model) {
        return new ServedModel(name, ImageSize.square(model.nativeImageSize()), model.defaultSampler());
    }
}
