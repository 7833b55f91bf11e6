package io.kiln.jobs;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.Violation;

/** What a request comes to on the served model: a job to run, or the one rule it breaks there. */
public sealed interface Resolution {

    record Resolved(ResolvedJob job) implements Resolution {}

    /**
     * A request valid by the contract that this model cannot run.
     *
     * @param code {@link ErrorCode#UNKNOWN_MODEL} or {@link ErrorCode#INVALID_REQUEST}
     */
    record Refused(ErrorCode code, Violation violation) implements Resolution {}
}
