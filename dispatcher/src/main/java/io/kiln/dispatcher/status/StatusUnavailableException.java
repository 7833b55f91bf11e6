package io.kiln.dispatcher.status;

/** The status store cannot answer now: the Streams application is starting, rebalancing its global state or stopped. */
public final class StatusUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    public StatusUnavailableException(String message) {
        super(message);
    }

    public StatusUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
