package io.kiln.jobs;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.Violation;
import io.kiln.engine.pipeline.ImageSize;
import io.kiln.engine.pipeline.Sampling;
import io.kiln.engine.sampling.Sampler;
import java.util.Objects;

/**
 * What a request means on the served model. The contract has already checked every field on its own
 * ({@link GenerationRequest}'s ranges and defaults); this fills in what the model decides (the image size and the
 * sampler a request leaves out) and checks the rules that need the model: its name, and η only for DDIM.
 */
public final class JobResolver {
    private final ServedModel model;

    public JobResolver(ServedModel model) {
        this.model = Objects.requireNonNull(model, "model");
    }

    /** Resolves {@code request}, whose job id and seed are assigned. */
    public Resolution resolve(GenerationRequest request) {
        if (request.model() != null && !request.model().equals(model.name())) {
            return new Resolution.Refused(
                    ErrorCode.UNKNOWN_MODEL,
                    new Violation(
                            "model", "this cluster serves \"" + model.name() + "\", not \"" + request.model() + "\""));
        }
        Sampler sampler = request.sampler() == null ? model.defaultSampler() : EngineSamplers.of(request.sampler());
        if (request.eta() != 0 && sampler != Sampler.DDIM) {
            return new Resolution.Refused(
                    ErrorCode.INVALID_REQUEST,
                    new Violation(
                            "eta", "applies to the ddim sampler only, and this job uses " + sampler.requestName()));
        }
        ImageSize size = new ImageSize(
                request.width() == null ? model.nativeSize().width() : request.width(),
                request.height() == null ? model.nativeSize().height() : request.height());
        var sampling = new Sampling(sampler, request.numInferenceSteps(), request.eta());
        return new Resolution.Resolved(new ResolvedJob(request, size, sampling));
    }
}
