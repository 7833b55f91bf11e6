package io.kiln.worker.config;

import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How the worker reaches Kafka and which consumer group it joins.
 *
 * @param bootstrapServers {@code host:port} pairs separated by commas
 * @param groupId the consumer group all workers share
 * @param groupInstanceId a stable member id for static membership: a worker that restarts within the session timeout
 *     gets its partitions back without a rebalance
 * @param clientProperties Kafka client properties passed through unchanged, such as {@code security.protocol}, {@code
 *     sasl.mechanism}, {@code sasl.jaas.config} or {@code ssl.truststore.location}; unmodifiable, sorted by name
 */
public record KafkaSettings(
        String bootstrapServers,
        String groupId,
        Optional<String> groupInstanceId,
        Map<String, String> clientProperties) {

    /** The group every worker joins unless configured otherwise. */
    public static final String DEFAULT_GROUP_ID = "kiln-workers";

    public KafkaSettings {
        Check.notBlank(bootstrapServers, "bootstrapServers");
        Check.notBlank(groupId, "groupId");
        Check.notNull(groupInstanceId, "groupInstanceId").ifPresent(id -> Check.notBlank(id, "groupInstanceId"));
        Check.notNull(clientProperties, "clientProperties").forEach((name, value) -> {
            Check.notBlank(name, "clientProperties name");
            Check.notNull(value, "clientProperties[" + name + "]");
        });
        clientProperties = Collections.unmodifiableMap(new TreeMap<>(clientProperties));
    }

    // The generated toString would print sasl.jaas.config and passwords into every log line that shows the config.
    @Override
    public String toString() {
        return "KafkaSettings[bootstrapServers=" + bootstrapServers + ", groupId=" + groupId + ", groupInstanceId="
                + groupInstanceId + ", clientProperties=" + Secrets.shown(clientProperties) + "]";
    }
}
