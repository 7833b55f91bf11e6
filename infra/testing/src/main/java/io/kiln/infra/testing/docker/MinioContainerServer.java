package io.kiln.infra.testing.docker;

import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.local.S3Server;
import io.kiln.infra.local.ServerStartupException;
import java.net.URI;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.containers.MinIOContainer;
import org.testcontainers.utility.DockerImageName;

/** MinIO, the S3 server users run locally, in a Testcontainers container. */
public final class MinioContainerServer implements S3Server {

    /** A pinned release: MinIO publishes no {@code latest} that stays put. */
    public static final DockerImageName IMAGE = DockerImageName.parse("minio/minio:RELEASE.2025-09-07T16-13-09Z");

    private static final String ACCESS_KEY = "kiln-local";
    private static final String SECRET_KEY = "kiln-local-secret";

    /** MinIO's default region. */
    private static final String REGION = "us-east-1";

    private static final Logger LOG = LoggerFactory.getLogger(MinioContainerServer.class);

    private final MinIOContainer container;
    private final S3Endpoint endpoint;

    private MinioContainerServer(MinIOContainer container) {
        this.container = container;
        this.endpoint = new S3Endpoint(URI.create(container.getS3URL()), REGION, ACCESS_KEY, SECRET_KEY);
    }

    /** Starts the container and waits until MinIO answers; needs a Docker engine. */
    public static MinioContainerServer start() {
        var container = new MinIOContainer(IMAGE).withUserName(ACCESS_KEY).withPassword(SECRET_KEY);
        long startNanos = System.nanoTime();
        try {
            container.start();
        } catch (RuntimeException e) {
            container.close();
            throw new ServerStartupException("S3", "S3 container " + IMAGE + " did not start: " + e.getMessage(), e);
        }
        var server = new MinioContainerServer(container);
        LOG.info(
                "S3 container {} started at {} in {} ms",
                IMAGE,
                server.endpoint.endpoint(),
                Duration.ofNanos(System.nanoTime() - startNanos).toMillis());
        return server;
    }

    @Override
    public S3Endpoint endpoint() {
        return endpoint;
    }

    @Override
    public void close() {
        container.close();
    }
}
