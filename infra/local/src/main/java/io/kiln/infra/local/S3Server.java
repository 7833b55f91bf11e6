package io.kiln.infra.local;

/** A running S3-compatible server, as a local child process or a container; {@link #close()} stops it. */
public interface S3Server extends AutoCloseable {

    /** Where the server answers, and its keys. */
    S3Endpoint endpoint();

    /** Stops the server and waits until it has stopped. */
    @Override
    void close();
}
