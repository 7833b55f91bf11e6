package io.kiln.dispatcher.storage;

/** An upload that is not a usable image of its declared format; the message says why, for the client. */
public final class UnusableImageException extends Exception {
    private static final long serialVersionUID = 1L;

    UnusableImageException(String message) {
        super(message, null, false, false);
    }

    UnusableImageException(String message, Throwable cause) {
        super(message, cause, false, false);
    }
}
