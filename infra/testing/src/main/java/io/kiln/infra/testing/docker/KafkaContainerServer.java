package io.kiln.infra.testing.docker;

import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.KafkaServer;
import io.kiln.infra.local.ServerStartupException;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/** Apache Kafka's own image in a Testcontainers container: the same broker version as the local child process. */
public final class KafkaContainerServer implements KafkaServer {

    /** The broker image; its version matches {@code kafka.version} in the parent pom. */
    public static final DockerImageName IMAGE = DockerImageName.parse("apache/kafka:4.3.1");

    private static final Logger LOG = LoggerFactory.getLogger(KafkaContainerServer.class);

    private final KafkaContainer container;
    private final KafkaEndpoint endpoint;

    private KafkaContainerServer(KafkaContainer container) {
        this.container = container;
        this.endpoint = new KafkaEndpoint(container.getBootstrapServers());
    }

    /** Starts the container and waits until the broker is ready; needs a Docker engine. */
    public static KafkaContainerServer start() {
        var container = new KafkaContainer(IMAGE);
        long startNanos = System.nanoTime();
        try {
            container.start();
        } catch (RuntimeException e) {
            container.close();
            throw new ServerStartupException(
                    "Kafka", "Kafka container " + IMAGE + " did not start: " + e.getMessage(), e);
        }
        var server = new KafkaContainerServer(container);
        LOG.info(
                "Kafka container {} started at {} in {} ms",
                IMAGE,
                server.endpoint.bootstrapServers(),
                Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
        return server;
    }

    @Override
    public KafkaEndpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        container.close();
    }
}
