package io.kiln.cli;

/**
 * A {@code kiln dlq} command could not do what was asked for a reason other than its arguments: a missing topic, a
 * dead letter that is not there, a broker that does not answer. {@link Kiln#commandLine()} prints the message and
 * exits {@value Kiln#FAILED}.
 */
final class DlqException extends RuntimeException {
    DlqException(String message) {
        super(message);
    }

    DlqException(String message, Throwable cause) {
        super(message, cause);
    }
}
