package io.kiln.infra.local.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * A {@linkplain ChildLifetime#DETACHED detached} server found again through its pid file, typically by a later run of
 * {@code kiln infra down} or {@code status}.
 */
public final class DetachedServer {

    /** How long a server may take to stop after SIGTERM: Kafka flushes and closes its logs. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(30);

    private final ServerHome home;
    private final ProcessHandle process;

    private DetachedServer(ServerHome home, ProcessHandle process) {
        this.home = home;
        this.process = process;
    }

    /**
     * The server whose pid file is in {@code home}'s folder, if that process is alive and still carries the
     * server's marker; a stale pid file (the server died, and the pid may since belong to anything) finds nothing.
     */
    static Optional<DetachedServer> find(ServerHome home) {
        return home.readPid().stream()
                .boxed()
                .findFirst()
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(home::isCarriedBy)
                .map(process -> new DetachedServer(home, process));
    }

    /** {@code Kafka} or {@code S3}. */
    public String serverName() {
        return home.serverName();
    }

    public long pid() {
        return process.pid();
    }

    /** The server's folder. */
    public Path directory() {
        return home.directory();
    }

    /** Stops the server (SIGTERM, then SIGKILL after 30 s), waits until it has exited and removes its pid file. */
    public void stop() {
        ProcessStop.stop(home.serverName(), process, STOP_GRACE);
        home.deletePidFile();
    }
}
