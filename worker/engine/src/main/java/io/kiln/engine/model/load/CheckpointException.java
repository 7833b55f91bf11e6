package io.kiln.engine.model.load;

/** A checkpoint that does not fit the architecture: a missing or misshapen tensor, named by its key. */
public final class CheckpointException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public CheckpointException(String message) {
        super(message);
    }
}
