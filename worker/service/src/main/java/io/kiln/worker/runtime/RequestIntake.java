package io.kiln.worker.runtime;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.ParseResult;
import io.kiln.contracts.RequestParser;
import io.kiln.contracts.Violation;
import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.pipeline.CompatibilityKey;
import io.kiln.engine.sampling.Sampler;
import io.kiln.worker.failure.JobFailure;
import io.kiln.worker.kafka.JobOutcome;
import io.kiln.worker.kafka.JobRecord;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.SplittableRandom;
import java.util.stream.Collectors;

/**
 * Reads a request record into a job this worker can run, or rejects it: unreadable or invalid JSON, a model this
 * worker does not serve, settings the model cannot honour. Rejected records go to the dead-letter topic unchanged.
 */
final class RequestIntake {
    private final String modelName;
    private final StableDiffusionModel model;

    RequestIntake(String modelName, StableDiffusionModel model) {
        this.modelName = modelName;
        this.model = model;
    }

    /** The outcome of reading one record. */
    sealed interface Result {}

    record Accepted(JobSpec spec) implements Result {}

    record Rejected(JobOutcome.Rejected outcome) implements Result {}

    Result read(JobRecord record) {
        ParseResult parsed = record.value() == null
                ? new ParseResult.Invalid(List.of(new Violation("$", "the record has no value")))
                : RequestParser.parse(record.value());
        return switch (parsed) {
            case ParseResult.Invalid invalid ->
                reject(record, record.declaredJobId(), ErrorCode.INVALID_REQUEST, describe(invalid));
            case ParseResult.Valid valid -> resolve(record, withIdentity(valid.request(), record));
        };
    }

    private Result resolve(JobRecord record, GenerationRequest request) {
        Optional<String> jobId = Optional.of(request.jobId());
        if (request.model() != null && !request.model().equals(modelName)) {
            return reject(
                    record,
                    jobId,
                    ErrorCode.UNKNOWN_MODEL,
                    "model: this cluster serves \"" + modelName + "\", not \"" + request.model() + "\"");
        }
        Sampler sampler = request.sampler() == null
                ? model.defaultSampler()
                : Sampler.fromRequestName(request.sampler().wireName());
        if (request.eta() != 0 && sampler != Sampler.DDIM) {
            return reject(
                    record,
                    jobId,
                    ErrorCode.INVALID_REQUEST,
                    "eta: applies to the ddim sampler only, and this job uses " + sampler.requestName());
        }
        int width = request.width() == null ? model.nativeImageSize() : request.width();
        int height = request.height() == null ? model.nativeImageSize() : request.height();
        OptionalDouble strength =
                request.strength() == null ? OptionalDouble.empty() : OptionalDouble.of(request.strength());
        var compatibility = CompatibilityKey.of(
                width, height, sampler, request.numInferenceSteps(), request.eta(), strength, model.schedulerConfig());
        var spec = new JobSpec(
                request,
                request.jobId(),
                request.seed(),
                width,
                height,
                sampler,
                new BatchKey(modelName, compatibility));
        return new Accepted(spec);
    }

    /**
     * A request without a job id or seed gets them from its record's place in the log, so that a redelivered record
     * is the same job with the same images; the dispatcher always assigns both, other producers may not.
     */
    private static GenerationRequest withIdentity(GenerationRequest request, JobRecord record) {
        String coordinates = record.originalTopic() + "-" + record.originalPartition() + "-" + record.originalOffset();
        GenerationRequest withId = request.jobId() != null
                ? request
                : request.toBuilder()
                        .jobId(record.declaredJobId()
                                .filter(RequestIntake::isJobId)
                                .orElse(coordinates))
                        .build();
        long seedOfRecord = new SplittableRandom(coordinates.hashCode()).nextLong(1L << 32);
        return withId.withAssignedIdentity(() -> seedOfRecord);
    }

    private static boolean isJobId(String candidate) {
        return candidate.matches("[A-Za-z0-9._:-]{1,128}");
    }

    private static Rejected reject(JobRecord record, Optional<String> jobId, ErrorCode code, String message) {
        return new Rejected(new JobOutcome.Rejected(record, jobId, JobFailure.terminal(code, message)));
    }

    private static String describe(ParseResult.Invalid invalid) {
        return invalid.violations().stream().map(Violation::toString).collect(Collectors.joining("; "));
    }
}
