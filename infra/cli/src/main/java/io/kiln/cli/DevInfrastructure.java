package io.kiln.cli;

import io.kiln.infra.local.process.DetachedServer;
import io.kiln.infra.local.process.LocalKafka;
import io.kiln.infra.local.process.LocalKafkaConfig;
import io.kiln.infra.local.process.LocalS3;
import io.kiln.infra.local.process.LocalS3Config;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The local Kafka broker and S3 server that {@code kiln infra} runs in the background, with everything they keep in
 * one folder: {@code kafka/} and {@code s3/} (configuration, log, pid file, data) and {@code infra.properties} (their
 * addresses).
 */
final class DevInfrastructure {

    static final String STATE_FILE = "infra.properties";

    private final Path folder;

    DevInfrastructure(Path folder) {
        this.folder = folder.toAbsolutePath().normalize();
    }

    Path folder() {
        return folder;
    }

    /** A server that {@link #up} found running or started. */
    record Running(String name, long pid, Optional<Duration> startupTime) {}

    /** What {@link #up} did: the addresses, and whether the servers were already running. */
    record Up(InfraState state, boolean alreadyUp, List<Running> servers) {}

    /** Starts both servers unless both already run; returns where they answer. */
    Up up(int kafkaPort, int s3Port) {
        Optional<DetachedServer> kafka = LocalKafka.findDetached(kafkaFolder());
        Optional<DetachedServer> s3 = LocalS3.findDetached(s3Folder());
        Optional<InfraState> state = InfraState.read(stateFile());
        if (kafka.isPresent() && s3.isPresent() && state.isPresent()) {
            return new Up(
                    state.get(),
                    true,
                    List.of(
                            new Running(LocalKafka.SERVER_NAME, kafka.get().pid(), Optional.empty()),
                            new Running(LocalS3.SERVER_NAME, s3.get().pid(), Optional.empty())));
        }
        // Half up (one server died) or addresses lost: restart both for one consistent state; the data on disk stays.
        kafka.ifPresent(DetachedServer::stop);
        s3.ifPresent(DetachedServer::stop);
        return startBoth(kafkaPort, s3Port);
    }

    /** A server that {@link #down} looked for: its pid if it was running and is now stopped. */
    record Stopped(String name, Optional<Long> pid) {}

    /** Stops whichever of the two servers runs and forgets their addresses. */
    List<Stopped> down() {
        List<Stopped> stopped = List.of(
                stop(LocalKafka.SERVER_NAME, LocalKafka.findDetached(kafkaFolder())),
                stop(LocalS3.SERVER_NAME, LocalS3.findDetached(s3Folder())));
        try {
            Files.deleteIfExists(stateFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + stateFile(), e);
        }
        return stopped;
    }

    /** A server's state for {@link #status}: its pid if it runs. */
    record Status(String name, Optional<Long> pid) {
        boolean running() {
            return pid.isPresent();
        }
    }

    List<Status> status() {
        return List.of(
                new Status(
                        LocalKafka.SERVER_NAME,
                        LocalKafka.findDetached(kafkaFolder()).map(DetachedServer::pid)),
                new Status(LocalS3.SERVER_NAME, LocalS3.findDetached(s3Folder()).map(DetachedServer::pid)));
    }

    /** Where the servers answer, as the last {@code up} recorded it. */
    Optional<InfraState> state() {
        return InfraState.read(stateFile());
    }

    private Up startBoth(int kafkaPort, int s3Port) {
        ensureFolder();
        LocalKafka kafka = LocalKafka.start(LocalKafkaConfig.forDevelopment(kafkaFolder(), kafkaPort));
        LocalS3 s3;
        try {
            s3 = LocalS3.start(LocalS3Config.forDevelopment(s3Folder(), s3Port));
        } catch (RuntimeException e) {
            // a broker without its object store is no use, and would hold the port for the next attempt
            kafka.close();
            throw e;
        }
        InfraState state = new InfraState(kafka.endpoint(), s3.endpoint());
        state.write(stateFile());
        return new Up(
                state,
                false,
                List.of(
                        new Running(LocalKafka.SERVER_NAME, kafka.pid(), Optional.of(kafka.startupTime())),
                        new Running(LocalS3.SERVER_NAME, s3.pid(), Optional.of(s3.startupTime()))));
    }

    private static Stopped stop(String name, Optional<DetachedServer> server) {
        server.ifPresent(DetachedServer::stop);
        return new Stopped(name, server.map(DetachedServer::pid));
    }

    private void ensureFolder() {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + folder, e);
        }
    }

    private Path kafkaFolder() {
        return folder.resolve("kafka");
    }

    private Path s3Folder() {
        return folder.resolve("s3");
    }

    private Path stateFile() {
        return folder.resolve(STATE_FILE);
    }
}
