package io.kiln.infra.local.process;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Stops a process politely, then firmly: SIGTERM, a grace period, then SIGKILL. */
final class ProcessStop {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessStop.class);

    /** How long SIGKILL may take to show: the kernel needs a moment to tear a JVM down. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private ProcessStop() {}

    /** Stops {@code process} and returns once it has exited. */
    static void stop(String serverName, ProcessHandle process, Duration grace) {
        if (!process.isAlive()) {
            return;
        }
        // SIGTERM: the servers' shutdown hooks close their logs and, for Kafka, its segments cleanly
        process.destroy();
        if (awaitExit(process, grace)) {
            return;
        }
        LOG.warn(
                "{} (pid {}) did not stop within {} s of SIGTERM; sending SIGKILL",
                serverName,
                process.pid(),
                grace.toSeconds());
        process.destroyForcibly();
        if (!awaitExit(process, KILL_WAIT)) {
            throw new IllegalStateException(serverName + " (pid " + process.pid() + ") is still running after SIGKILL");
        }
    }

    private static boolean awaitExit(ProcessHandle process, Duration timeout) {
        try {
            process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Waiting for pid " + process.pid() + " failed", e);
        }
    }
}
