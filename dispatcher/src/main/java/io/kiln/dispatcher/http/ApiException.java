package io.kiln.dispatcher.http;

/**
 * Ends a request with an error answer: {@code status} and a body {@code {"code": code, "message": message}}, or for an
 * invalid parameter {@code 400 {"errors": [{"field", "message"}]}} as for an invalid job. The message is for people
 * and never holds the caller's key or a stack trace.
 */
final class ApiException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String code;
    private final String field;

    ApiException(int status, String code, String message) {
        this(status, code, null, message);
    }

    private ApiException(int status, String code, String field, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
        this.field = field;
    }

    /** A 400 for the parameter or header {@code field}, which breaks {@code rule}. */
    static ApiException invalid(String field, String rule) {
        return new ApiException(400, "invalid_request", field, rule);
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }

    /** The parameter at fault, for a 400 that names one; null otherwise. */
    String field() {
        return field;
    }
}
