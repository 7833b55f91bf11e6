package io.kiln.dispatcher.config;

import java.time.Duration;
import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * How the dispatcher reaches Kafka.
 *
 * @param bootstrapServers {@code host:port} pairs separated by commas
 * @param acceptTimeout how long {@code POST /v1/jobs} waits for Kafka to acknowledge a job before answering 503, from
 *     1 s to {@link #LONGEST_ACCEPT_TIMEOUT}; it bounds the producer's wait for metadata, each request and the whole
 *     delivery
 * @param clientProperties Kafka client properties passed through unchanged to every client (SASL, TLS); unmodifiable,
 *     sorted by name. Values are never logged
 */
public record KafkaSettings(String bootstrapServers, Duration acceptTimeout, Map<String, String> clientProperties) {
    /** The default wait for Kafka's acknowledgement: 10 s. */
    public static final Duration DEFAULT_ACCEPT_TIMEOUT = Duration.ofSeconds(10);

    /**
     * The longest wait for Kafka's acknowledgement: 25 s. A submission answers within about twice it plus 2 s, which
     * stays below the 60 s a client (kiln-client's default, and common proxies') waits for an answer; a client that
     * gave up first would retry while the first try still holds the job id.
     */
    public static final Duration LONGEST_ACCEPT_TIMEOUT = Duration.ofSeconds(25);

    public KafkaSettings {
        Check.notBlank(bootstrapServers, "kafka.bootstrapServers");
        Check.between(acceptTimeout, Duration.ofSeconds(1), LONGEST_ACCEPT_TIMEOUT, "kafka.acceptTimeout");
        Check.notNull(clientProperties, "kafka.clientProperties").forEach((name, value) -> {
            Check.notBlank(name, "kafka.clientProperties name");
            Check.notNull(value, "kafka.clientProperties[" + name + "]");
        });
        clientProperties = Collections.unmodifiableMap(new TreeMap<>(clientProperties));
    }

    /** {@code bootstrapServers} with the default timeout and no extra properties. */
    public static KafkaSettings of(String bootstrapServers) {
        return new KafkaSettings(bootstrapServers, DEFAULT_ACCEPT_TIMEOUT, Map.of());
    }

    // The generated toString would print sasl.jaas.config and passwords into every log line that shows the config.
    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", acceptTimeout=" + acceptTimeout
                + ", clientProperties=" + clientProperties.keySet() + "]";
    }
}
