package io.kiln.infra.local.process;

import io.kiln.infra.local.ServerStartupException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** A server's child JVM from the moment it is started: waits for it to become ready, and stops it. */
final class ServerProcess {

    /** How many log lines a start-up error shows. */
    static final int LOG_TAIL_LINES = 40;

    /** How often readiness is probed; the wait between probes ends early if the process dies. */
    private static final Duration POLL_INTERVAL = Duration.ofMillis(50);

    /** How long a server may take to stop after SIGTERM before it is killed. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(15);

    private final ServerHome home;
    private final Process process;
    private final String displayCommand;
    private final Instant startedAt;

    ServerProcess(ServerHome home, Process process, String displayCommand, Instant startedAt) {
        this.home = home;
        this.process = process;
        this.displayCommand = displayCommand;
        this.startedAt = startedAt;
    }

    long pid() {
        return process.pid();
    }

    Path logFile() {
        return home.logFile();
    }

    /**
     * Polls {@code probe} until the server is ready and returns the time since the process started. Fails, after
     * stopping the process, if it exits first or is not ready within {@code timeout}.
     */
    Duration awaitReady(ReadinessProbe probe, Duration timeout) {
        Instant deadline = startedAt.plus(timeout);
        try (probe) {
            while (true) {
                if (!process.isAlive()) {
                    throw failure("its process exited with code " + process.exitValue() + " before it was ready");
                }
                if (probe.isReady()) {
                    return Duration.between(startedAt, Instant.now());
                }
                if (Instant.now().isAfter(deadline)) {
                    stop();
                    throw failure("it was not ready within " + timeout.toMillis() + " ms");
                }
                process.waitFor(POLL_INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stop();
            throw new ServerStartupException(home.serverName(), home.serverName() + " start-up was interrupted", e);
        }
    }

    /**
     * Stops the server (SIGTERM, then SIGKILL after a grace period), returns once it has exited, and removes its pid
     * file if it is detached.
     */
    void stop() {
        ProcessStop.stop(home.serverName(), process.toHandle(), STOP_GRACE);
        home.deletePidFile();
    }

    private ServerStartupException failure(String reason) {
        String name = home.serverName();
        StringBuilder message = new StringBuilder()
                .append(name)
                .append(" did not start: ")
                .append(reason)
                .append(".\n  command: ")
                .append(displayCommand)
                .append("\n  log: ")
                .append(home.logFile());
        List<String> tail = LogTail.lastLines(home.logFile(), LOG_TAIL_LINES);
        if (tail.isEmpty()) {
            message.append(" (empty)");
        } else {
            message.append(" (last ").append(tail.size()).append(" lines)");
            tail.forEach(line -> message.append("\n  | ").append(line));
        }
        return new ServerStartupException(name, message.toString());
    }
}
