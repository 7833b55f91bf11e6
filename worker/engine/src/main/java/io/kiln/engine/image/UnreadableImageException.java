package io.kiln.engine.image;

/**
 * Bytes that are not a PNG or JPEG image Kiln can use: not an image, damaged or truncated, another format, or too
 * large. The job's own fault, so terminal for it: {@code init_image_unreadable} on the wire. The message says what
 * is wrong in words the job's submitter can act on.
 */
public final class UnreadableImageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UnreadableImageException(String message) {
        super(message);
    }

    public UnreadableImageException(String message, Throwable cause) {
        super(message, cause);
    }
}
