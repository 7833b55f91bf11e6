package io.kiln.worker.failure;

import io.kiln.contracts.ErrorCode;
import java.util.Objects;

/**
 * Why a job, or the batch it ran in, did not succeed: the {@link ErrorCode} its {@code failed} event would carry and
 * the {@link FailureKind} that decides what happens next. The message is for people and names what was wrong.
 */
public final class JobFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final FailureKind kind;

    private JobFailure(ErrorCode code, FailureKind kind, String message, Throwable cause) {
        super(Objects.requireNonNull(message, "message"), cause);
        this.code = Objects.requireNonNull(code, "code");
        this.kind = Objects.requireNonNull(kind, "kind");
    }

    /** A cause that may pass, such as S3 or the broker being unreachable. */
    public static JobFailure retriable(ErrorCode code, String message, Throwable cause) {
        return new JobFailure(code, FailureKind.RETRIABLE, message, cause);
    }

    /** A fault of the job itself, which no retry can mend. */
    public static JobFailure terminal(ErrorCode code, String message) {
        return new JobFailure(code, FailureKind.TERMINAL, message, null);
    }

    /** A fault of the job itself, which no retry can mend, caused by {@code cause}. */
    public static JobFailure terminal(ErrorCode code, String message, Throwable cause) {
        return new JobFailure(code, FailureKind.TERMINAL, message, cause);
    }

    /** A fault of the worker, which must stop. */
    public static JobFailure fatal(String message, Throwable cause) {
        return new JobFailure(ErrorCode.INTERNAL, FailureKind.FATAL, message, cause);
    }

    public ErrorCode code() {
        return code;
    }

    public FailureKind kind() {
        return kind;
    }
}
