package io.kiln.dispatcher.http;

/**
 * Ends a request with an error answer: {@code status} and a body {@code {"code": code, "message": message}}. The
 * message is for people and never holds the caller's key or a stack trace.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;

    ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
