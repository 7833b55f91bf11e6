package io.kiln.dispatcher.storage;

/** S3 did not do what was asked: unreachable, too slow, failing or refusing. The message says which, for the client. */
public final class StorageUnavailableException extends Exception {
    private static final long serialVersionUID = 1L;

    StorageUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
