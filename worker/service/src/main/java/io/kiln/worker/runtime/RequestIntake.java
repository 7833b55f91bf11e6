package io.kiln.worker.runtime;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.ParseResult;
import io.kiln.contracts.RequestParser;
import io.kiln.contracts.Violation;
import io.kiln.engine.sampling.SchedulerConfig;
import io.kiln.jobs.JobResolver;
import io.kiln.jobs.Resolution;
import io.kiln.jobs.ResolvedJob;
import io.kiln.jobs.ServedModel;
import io.kiln.worker.failure.JobFailure;
import io.kiln.worker.kafka.JobOutcome;
import io.kiln.worker.kafka.JobRecord;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a request record into a job this worker can run, or rejects it: unreadable or invalid JSON, a model this
 * worker does not serve, settings the model cannot honour. Rejected records go to the dead-letter topic unchanged.
 *
 * <p>Nothing one record holds can make {@link #read} throw: a rejection names the field at fault, and whatever else
 * goes wrong reading it is that job's terminal failure.
 */
final class RequestIntake {
    private static final Logger log = LoggerFactory.getLogger(RequestIntake.class);

    private final String modelName;
    private final SchedulerConfig schedule;
    private final JobResolver resolver;

    /** Reads requests for {@code served}, whose noise schedule {@code schedule} places img2img jobs' start steps. */
    RequestIntake(ServedModel served, SchedulerConfig schedule) {
        this.modelName = served.name();
        this.schedule = schedule;
        this.resolver = new JobResolver(served);
    }

    /** The outcome of reading one record. */
    sealed interface Result {}

    record Accepted(JobSpec spec) implements Result {}

    record Rejected(JobOutcome.Rejected outcome) implements Result {}

    Result read(JobRecord record) {
        ParseResult parsed = record.value() == null
                ? new ParseResult.Invalid(List.of(new Violation("$", "the record has no value")))
                : RequestParser.parse(record.value());
        try {
            return switch (parsed) {
                case ParseResult.Invalid invalid ->
                    reject(record, record.declaredJobId(), ErrorCode.INVALID_REQUEST, describe(invalid));
                case ParseResult.Valid valid -> resolve(record, withIdentity(valid.request(), record));
            };
        } catch (IllegalArgumentException unusable) {
            // a rule of the engine the contract does not state yet: the request's fault, named as well as we can
            log.warn("{}: the contract accepted a request the engine refuses", record.coordinates(), unusable);
            return reject(record, record.declaredJobId(), ErrorCode.INVALID_REQUEST, "$: " + unusable.getMessage());
        } catch (RuntimeException bug) {
            // whatever one record makes the intake throw is that job's failure, never the poll loop's: a fatal
            // failure here would leave the record uncommitted and stop each next owner of its partition in turn
            log.error("{}: reading the request failed", record.coordinates(), bug);
            return reject(
                    record,
                    record.declaredJobId(),
                    ErrorCode.INTERNAL,
                    "$: the worker cannot read this request: " + bug);
        }
    }

    private Result resolve(JobRecord record, GenerationRequest request) {
        return switch (resolver.resolve(request)) {
            case Resolution.Resolved resolved -> {
                ResolvedJob job = resolved.job();
                var key = new BatchKey(modelName, job.compatibility(schedule));
                yield new Accepted(new JobSpec(job, key));
            }
            case Resolution.Refused refused ->
                reject(
                        record,
                        Optional.of(request.jobId()),
                        refused.code(),
                        refused.violation().toString());
        };
    }

    /**
     * A request without a job id or seed gets them from its record's place in the log, so that a redelivered record
     * is the same job with the same images; the dispatcher always assigns both, other producers may not.
     */
    private static GenerationRequest withIdentity(GenerationRequest request, JobRecord record) {
        String coordinates = record.originalTopic() + "-" + record.originalPartition() + "-" + record.originalOffset();
        // the coordinates come from headers on a retry topic, where a foreign producer may have put anything
        String idOfRecord = GenerationRequest.isJobId(coordinates)
                ? coordinates
                : "record-" + UUID.nameUUIDFromBytes(coordinates.getBytes(StandardCharsets.UTF_8));
        GenerationRequest withId = request.jobId() != null
                ? request
                : request.toBuilder()
                        .jobId(record.declaredJobId()
                                .filter(GenerationRequest::isJobId)
                                .orElse(idOfRecord))
                        .build();
        long seedOfRecord = new SplittableRandom(coordinates.hashCode()).nextLong(1L << 32);
        return withId.withAssignedIdentity(() -> seedOfRecord);
    }

    private static Rejected reject(JobRecord record, Optional<String> jobId, ErrorCode code, String message) {
        return new Rejected(new JobOutcome.Rejected(record, jobId, JobFailure.terminal(code, message)));
    }

    private static String describe(ParseResult.Invalid invalid) {
        return invalid.violations().stream().map(Violation::toString).collect(Collectors.joining("; "));
    }
}
