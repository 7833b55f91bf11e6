package io.kiln.infra.local.process;

/** Asks a starting server whether it serves yet; polled until it does. */
interface ReadinessProbe extends AutoCloseable {

    /** Whether the server answers; {@code false} on any error, which only means "not yet". */
    boolean isReady();

    /** Releases what the probe holds (connections, clients); by default nothing. */
    @Override
    default void close() {}
}
