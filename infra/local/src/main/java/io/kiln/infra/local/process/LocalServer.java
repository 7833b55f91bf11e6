package io.kiln.infra.local.process;

import java.nio.file.Path;
import java.time.Duration;

/** What a started local server is: its child process, the endpoint clients use, and how long it took to answer. */
abstract class LocalServer<E> implements AutoCloseable {
    private final ServerProcess process;
    private final E endpoint;
    private final Duration startupTime;

    LocalServer(ServerProcess process, E endpoint, Duration startupTime) {
        this.process = process;
        this.endpoint = endpoint;
        this.startupTime = startupTime;
    }

    public E endpoint() {
        return endpoint;
    }

    public long pid() {
        return process.pid();
    }

    /** From starting the JVM until the server answered its readiness probe. */
    public Duration startupTime() {
        return startupTime;
    }

    public Path logFile() {
        return process.logFile();
    }

    /** Stops the server: SIGTERM, then SIGKILL if it does not exit in time. */
    @Override
    public void close() {
        process.stop();
    }
}
