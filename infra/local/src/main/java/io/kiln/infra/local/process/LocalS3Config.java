package io.kiln.infra.local.process;

import java.nio.file.Path;
import java.time.Duration;

/**
 * How to run a local S3 server (s3proxy).
 *
 * @param directory the server's folder: configuration, log, pid file and, for {@link S3Storage#FILESYSTEM}, data
 * @param port the HTTP port on 127.0.0.1; 0 for any free port
 * @param storage where objects are kept
 * @param lifetime whether the server dies with this JVM
 * @param startupTimeout how long the server may take to become ready
 * @param jit how the server's JVM compiles: sooner ready, or less CPU per request
 */
public record LocalS3Config(
        Path directory, int port, S3Storage storage, ChildLifetime lifetime, Duration startupTimeout, ServerJit jit) {

    /** Generous for a 2-core CI machine, where s3proxy is ready in about a second when idle. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    public LocalS3Config {
        if (directory == null) {
            throw new IllegalArgumentException("directory must not be null");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 (any free port) and 65535, was " + port);
        }
        if (storage == null) {
            throw new IllegalArgumentException("storage must not be null");
        }
        if (lifetime == null) {
            throw new IllegalArgumentException("lifetime must not be null");
        }
        if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("startupTimeout must be positive, was " + startupTimeout);
        }
        if (jit == null) {
            throw new IllegalArgumentException("jit must not be null");
        }
    }

    /** A server for tests: any free port, objects in memory, dies with this JVM, quick to start. */
    public static LocalS3Config forTests(Path directory) {
        return new LocalS3Config(
                directory,
                0,
                S3Storage.TRANSIENT,
                ChildLifetime.TIED_TO_PARENT,
                DEFAULT_STARTUP_TIMEOUT,
                ServerJit.QUICK_START);
    }

    /**
     * A server for development: the given port (0 for any), objects in files, outlives this JVM, and compiled for
     * the hours it may run.
     */
    public static LocalS3Config forDevelopment(Path directory, int port) {
        return new LocalS3Config(
                directory,
                port,
                S3Storage.FILESYSTEM,
                ChildLifetime.DETACHED,
                DEFAULT_STARTUP_TIMEOUT,
                ServerJit.FULL_SPEED);
    }
}
