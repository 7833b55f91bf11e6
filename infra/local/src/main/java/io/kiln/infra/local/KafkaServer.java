package io.kiln.infra.local;

/** A running Kafka broker, as a local child process or a container; {@link #close()} stops it. */
public interface KafkaServer extends AutoCloseable {

    /** Where the broker answers. */
    KafkaEndpoint endpoint();

    /** Stops the broker and waits until it has stopped. */
    @Override
    void close();
}
