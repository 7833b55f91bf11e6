package io.kiln.infra.local.process;

import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.KafkaServer;
import io.kiln.infra.local.process.child.FormatThenRunKafka;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker (KRaft, one node that is broker and controller) in a child JVM on 127.0.0.1, run from
 * the jars {@code kiln-server-jars} resolved.
 *
 * <p>{@link #start(LocalKafkaConfig)} returns once an admin client sees the broker in the cluster metadata.
 */
public final class LocalKafka extends LocalServer<KafkaEndpoint> implements KafkaServer {

    /** How messages and logs name this server. */
    public static final String SERVER_NAME = "Kafka";

    private static final Logger LOG = LoggerFactory.getLogger(LocalKafka.class);

    private static final String LOG4J_RESOURCE = "kafka-log4j2.properties";

    private LocalKafka(ServerProcess process, KafkaEndpoint endpoint, Duration startupTime) {
        super(process, endpoint, startupTime);
    }

    /**
     * Starts a broker and waits until it serves.
     *
     * @throws io.kiln.infra.local.ServerStartupException if the port is taken, the broker exits, or it is not ready
     *     within the configured time
     */
    public static LocalKafka start(LocalKafkaConfig config) {
        ServerHome home = new ServerHome(SERVER_NAME, config.directory());
        int port = LoopbackPorts.resolve(SERVER_NAME, config.port());
        int controllerPort = controllerPort(port);

        Path serverProperties = home.directory().resolve("server.properties");
        PropertiesFile.write(
                serverProperties,
                "Local Kafka broker written by Kiln (" + LocalKafka.class.getName() + ")",
                brokerProperties(home, port, controllerPort, config.brokerProperties()));
        Path log4jConfiguration = copyLog4jConfiguration(home);

        List<String> jvmOptions = new ArrayList<>(List.of(
                "-Xmx512m",
                // the serial collector: a local broker's heap is small, and its start is sooner
                "-XX:+UseSerialGC",
                "-Djava.awt.headless=true",
                // Kafka shuts down in a shutdown hook; Log4j's own hook would close the log under it, losing the
                // broker's last lines and adding a complaint of its own
                "-Dlog4j2.shutdownHookEnabled=false",
                "-Dlog4j2.configurationFile=" + log4jConfiguration));
        jvmOptions.addAll(config.jit().jvmOptions());
        if (Runtime.version().feature() >= 23) {
            // Kafka unmaps its index files through sun.misc.Unsafe, which JDK 24+ warns about in the log; the child
            // runs on our java, and JDK 21 and 22 do not know the option
            jvmOptions.add("--sun-misc-unsafe-memory-access=allow");
        }
        var command = new JavaCommand(
                jvmOptions,
                ServerClasspath.kafka(),
                FormatThenRunKafka.class.getName(),
                List.of(serverProperties.toString(), clusterId(dataFolder(home))));
        ServerProcess process = ChildJvmLauncher.launch(home, command, config.lifetime());
        Duration startupTime = process.awaitReady(new KafkaReadiness(port), config.startupTimeout());

        var endpoint = new KafkaEndpoint("127.0.0.1:" + port);
        LOG.info(
                "Kafka started at {} in {} ms (pid {}, log {})",
                endpoint.bootstrapServers(),
                startupTime.toMillis(),
                process.pid(),
                home.logFile());
        return new LocalKafka(process, endpoint, startupTime);
    }

    /** The detached broker whose folder is {@code directory}, if it is running. */
    public static Optional<DetachedServer> findDetached(Path directory) {
        return DetachedServer.find(new ServerHome(SERVER_NAME, directory));
    }

    private static Map<String, String> brokerProperties(
            ServerHome home, int port, int controllerPort, Map<String, String> overrides) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("process.roles", "broker,controller");
        properties.put("node.id", "1");
        properties.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        properties.put("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        properties.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        properties.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        properties.put("controller.listener.names", "CONTROLLER");
        properties.put("inter.broker.listener.name", "PLAINTEXT");
        properties.put("log.dirs", dataFolder(home).toString());
        // a single broker can hold one replica of anything
        properties.put("offsets.topic.replication.factor", "1");
        properties.put("transaction.state.log.replication.factor", "1");
        properties.put("transaction.state.log.min.isr", "1");
        properties.put("share.coordinator.state.topic.replication.factor", "1");
        properties.put("share.coordinator.state.topic.min.isr", "1");
        properties.put("min.insync.replicas", "1");
        // one partition each instead of 50: the first consumer group or transaction would otherwise wait seconds
        // for the internal topics to be created
        properties.put("offsets.topic.num.partitions", "1");
        properties.put("transaction.state.log.num.partitions", "1");
        // a consumer's first join completes at once instead of after 3 s
        properties.put("group.initial.rebalance.delay.ms", "0");
        properties.putAll(overrides);
        return properties;
    }

    private static Path dataFolder(ServerHome home) {
        return home.directory().resolve("data");
    }

    /**
     * The id the data folder was formatted with, or a new one for an empty folder: the storage tool refuses a
     * formatted folder under another id, so a restarted development broker must keep its own.
     */
    private static String clusterId(Path dataFolder) {
        Path metaProperties = dataFolder.resolve("meta.properties");
        if (Files.isRegularFile(metaProperties)) {
            Properties meta = new Properties();
            try (Reader reader = Files.newBufferedReader(metaProperties, StandardCharsets.UTF_8)) {
                meta.load(reader);
            } catch (IOException e) {
                throw new UncheckedIOException("Cannot read " + metaProperties, e);
            }
            String clusterId = meta.getProperty("cluster.id");
            if (clusterId != null && !clusterId.isBlank()) {
                return clusterId;
            }
        }
        return Uuid.randomUuid().toString();
    }

    private static Path copyLog4jConfiguration(ServerHome home) {
        Path target = home.directory().resolve("log4j2.properties");
        try (InputStream in = LocalKafka.class.getResourceAsStream(LOG4J_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException(LOG4J_RESOURCE + " is missing from " + LocalKafka.class.getName());
            }
            Files.createDirectories(home.directory());
            Files.copy(in, target, StandardCopyOption.REPLACE_EXISTING);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + target, e);
        }
    }

    private static int controllerPort(int clientPort) {
        int port;
        do {
            // a client port drawn a moment ago was released again, and the kernel may hand it out twice
            port = LoopbackPorts.free();
        } while (port == clientPort);
        return port;
    }
}
