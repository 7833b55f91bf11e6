package io.kiln.infra.testing;

import io.kiln.infra.local.KafkaServer;
import io.kiln.infra.local.S3Server;
import io.kiln.infra.local.process.LocalKafka;
import io.kiln.infra.local.process.LocalKafkaConfig;
import io.kiln.infra.local.process.LocalS3;
import io.kiln.infra.local.process.LocalS3Config;
import io.kiln.infra.testing.docker.KafkaContainerServer;
import io.kiln.infra.testing.docker.MinioContainerServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BooleanSupplier;

/** How the extension runs the servers: as containers, or as local child JVMs. */
enum ServerBackend {
    CONTAINERS("Kafka (apache/kafka) and S3 (MinIO) in Testcontainers containers") {
        @Override
        KafkaServer startKafka(Path workRoot) {
            return KafkaContainerServer.start();
        }

        @Override
        S3Server startS3(Path workRoot) {
            return MinioContainerServer.start();
        }
    },

    CHILD_PROCESSES("Kafka and S3 (s3proxy) as local child JVMs on 127.0.0.1") {
        @Override
        KafkaServer startKafka(Path workRoot) {
            return LocalKafka.start(LocalKafkaConfig.forTests(freshFolder(workRoot, "kafka-")));
        }

        @Override
        S3Server startS3(Path workRoot) {
            return LocalS3.start(LocalS3Config.forTests(freshFolder(workRoot, "s3-")));
        }
    };

    private final String description;

    ServerBackend(String description) {
        this.description = description;
    }

    /** What this backend runs, for the log. */
    String description() {
        return description;
    }

    /** Starts a broker; any files go to a new folder under {@code workRoot}. */
    abstract KafkaServer startKafka(Path workRoot);

    /** Starts an S3 server; any files go to a new folder under {@code workRoot}. */
    abstract S3Server startS3(Path workRoot);

    /** The backend for {@code mode}; asks {@code dockerAvailable} only when the mode depends on it. */
    static ServerBackend choose(InfraMode mode, BooleanSupplier dockerAvailable) {
        return switch (mode) {
            case LOCAL -> CHILD_PROCESSES;
            case AUTO -> dockerAvailable.getAsBoolean() ? CONTAINERS : CHILD_PROCESSES;
            case DOCKER -> {
                if (!dockerAvailable.getAsBoolean()) {
                    throw new IllegalStateException(InfraMode.PROPERTY
                            + " is docker, but no Docker engine answers; start one, or use auto or local to run the"
                            + " servers as local child processes");
                }
                yield CONTAINERS;
            }
        };
    }

    // One folder per server per test JVM: a folder left by an earlier (or killed) run is never reused.
    private static Path freshFolder(Path workRoot, String prefix) {
        try {
            return Files.createTempDirectory(Files.createDirectories(workRoot), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create a folder under " + workRoot, e);
        }
    }
}
