package io.kiln.infra.local.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * How to run a local Kafka broker.
 *
 * @param directory the broker's folder: configuration, log, pid file and data
 * @param port the client port on 127.0.0.1; 0 for any free port
 * @param lifetime whether the broker dies with this JVM
 * @param startupTimeout how long the broker may take to become ready
 * @param brokerProperties broker settings applied over Kiln's, e.g. {@code auto.create.topics.enable=false}
 * @param jit how the broker's JVM compiles: sooner ready, or less CPU per request
 */
public record LocalKafkaConfig(
        Path directory,
        int port,
        ChildLifetime lifetime,
        Duration startupTimeout,
        Map<String, String> brokerProperties,
        ServerJit jit) {

    /** Generous for a 2-core CI machine, where the broker is ready in 2–3 s when idle. */
    public static final Duration DEFAULT_STARTUP_TIMEOUT = Duration.ofSeconds(60);

    public LocalKafkaConfig {
        if (directory == null) {
            throw new IllegalArgumentException("directory must not be null");
        }
        if (port < 0 || port > 65_535) {
            throw new IllegalArgumentException("port must be between 0 (any free port) and 65535, was " + port);
        }
        if (lifetime == null) {
            throw new IllegalArgumentException("lifetime must not be null");
        }
        if (startupTimeout == null || startupTimeout.isNegative() || startupTimeout.isZero()) {
            throw new IllegalArgumentException("startupTimeout must be positive, was " + startupTimeout);
        }
        if (brokerProperties == null) {
            throw new IllegalArgumentException("brokerProperties must not be null");
        }
        if (jit == null) {
            throw new IllegalArgumentException("jit must not be null");
        }
        brokerProperties = Map.copyOf(brokerProperties);
    }

    /** A broker for tests: any free port, dies with this JVM, quick to start. */
    public static LocalKafkaConfig forTests(Path directory) {
        return new LocalKafkaConfig(
                directory, 0, ChildLifetime.TIED_TO_PARENT, DEFAULT_STARTUP_TIMEOUT, Map.of(), ServerJit.QUICK_START);
    }

    /** A broker for development: the given port (0 for any), outlives this JVM, compiled for the hours it may run. */
    public static LocalKafkaConfig forDevelopment(Path directory, int port) {
        return new LocalKafkaConfig(
                directory, port, ChildLifetime.DETACHED, DEFAULT_STARTUP_TIMEOUT, Map.of(), ServerJit.FULL_SPEED);
    }

    /** This configuration with one more broker setting. */
    public LocalKafkaConfig withBrokerProperty(String key, String value) {
        Map<String, String> properties = new HashMap<>(brokerProperties);
        properties.put(key, value);
        return new LocalKafkaConfig(directory, port, lifetime, startupTimeout, properties, jit);
    }
}
