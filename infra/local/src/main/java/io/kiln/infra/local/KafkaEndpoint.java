package io.kiln.infra.local;

/**
 * Where a running Kafka broker answers.
 *
 * @param bootstrapServers the value for the clients' {@code bootstrap.servers}, e.g. {@code 127.0.0.1:9092}
 */
public record KafkaEndpoint(String bootstrapServers) {

    public KafkaEndpoint {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrapServers must not be blank");
        }
    }
}
