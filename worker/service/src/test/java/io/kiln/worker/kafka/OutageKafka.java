package io.kiln.worker.kafka;

import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.process.ChildLifetime;
import io.kiln.infra.local.process.LocalKafka;
import io.kiln.infra.local.process.LocalKafkaConfig;
import io.kiln.infra.local.process.ServerJit;
import io.kiln.infra.testing.LocalInfraExtension;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * A test's own Kafka broker that can be stopped and started again, or frozen and thawed: its data stays in its folder
 * and its port is fixed after the first start, so that clients configured with its address find the same topics,
 * groups and transactions when it returns.
 */
public final class OutageKafka implements AutoCloseable {
    private final Path folder;
    private final KafkaEndpoint endpoint;
    private LocalKafka server;

    private OutageKafka(Path folder, LocalKafka server) {
        this.folder = folder;
        this.server = server;
        this.endpoint = server.endpoint();
    }

    /** Starts a broker on any free port, with its files in a new folder under the infrastructure work root. */
    public static OutageKafka start() throws IOException {
        Path root = Path.of(System.getProperty(LocalInfraExtension.WORK_ROOT_PROPERTY, "target/kiln-infra"));
        Path folder = Files.createTempDirectory(Files.createDirectories(root), "kafka-outage-");
        return new OutageKafka(folder, LocalKafka.start(config(folder, 0)));
    }

    /** Where the broker answers, whether it runs now or not. */
    public KafkaEndpoint endpoint() {
        return endpoint;
    }

    /** Stops the broker (SIGTERM); connections to its port are refused until {@link #restart}. */
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /**
     * Suspends the broker's process (SIGSTOP): its connections stay open and nothing answers, as in a long pause or a
     * network partition, so that a client's requests time out where a stopped broker would refuse them at once.
     */
    public void freeze() {
        signal("STOP");
    }

    /** Resumes the process {@link #freeze} suspended (SIGCONT). */
    public void thaw() {
        signal("CONT");
    }

    private void signal(String name) {
        try {
            Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(server.pid()))
                    .inheritIO()
                    .start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + server.pid() + " failed");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Starts the broker again on the same port, over the same data. */
    public void restart() {
        if (server == null) {
            server = LocalKafka.start(config(folder, port()));
        }
    }

    @Override
    public void close() {
        stop();
    }

    private int port() {
        String address = endpoint.bootstrapServers();
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    private static LocalKafkaConfig config(Path folder, int port) {
        return new LocalKafkaConfig(
                folder,
                port,
                ChildLifetime.TIED_TO_PARENT,
                LocalKafkaConfig.DEFAULT_STARTUP_TIMEOUT,
                Map.of(),
                ServerJit.QUICK_START);
    }
}
