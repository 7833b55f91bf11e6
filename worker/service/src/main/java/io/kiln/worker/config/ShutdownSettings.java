package io.kiln.worker.config;

import java.time.Duration;

/**
 * How the worker stops.
 *
 * @param grace how long a running batch may finish on SIGTERM or when its partitions are revoked, before it is
 *     abandoned and its jobs are left for another worker
 */
public record ShutdownSettings(Duration grace) {

    public ShutdownSettings {
        Check.notNegative(grace, "grace");
    }

    /** 30 s, Kubernetes' default termination grace period. */
    public static ShutdownSettings defaults() {
        return new ShutdownSettings(Duration.ofSeconds(30));
    }
}
