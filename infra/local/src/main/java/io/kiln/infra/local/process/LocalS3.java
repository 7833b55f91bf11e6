package io.kiln.infra.local.process;

import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.local.S3Server;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real S3 API server, s3proxy, in a child JVM on 127.0.0.1, run from the jar {@code kiln-server-jars} resolved. It
 * checks AWS signatures (v2 and v4) against fixed local keys, {@link #ACCESS_KEY} and {@link #SECRET_KEY}.
 *
 * <p>{@link #start(LocalS3Config)} returns once the server answers HTTP.
 */
public final class LocalS3 extends LocalServer<S3Endpoint> implements S3Server {

    /** How messages and logs name this server. */
    public static final String SERVER_NAME = "S3";

    /** The access key the local server accepts. Local only: the server listens on 127.0.0.1. */
    public static final String ACCESS_KEY = "kiln-local";

    /** The secret key the local server accepts. */
    public static final String SECRET_KEY = "kiln-local-secret";

    /** The region clients sign for; s3proxy accepts any. */
    public static final String REGION = "us-east-1";

    private static final Logger LOG = LoggerFactory.getLogger(LocalS3.class);

    private LocalS3(ServerProcess process, S3Endpoint endpoint, Duration startupTime) {
        super(process, endpoint, startupTime);
    }

    /**
     * Starts a server and waits until it answers.
     *
     * @throws io.kiln.infra.local.ServerStartupException if the port is taken, the server exits, or it does not
     *     answer within the configured time
     */
    public static LocalS3 start(LocalS3Config config) {
        ServerHome home = new ServerHome(SERVER_NAME, config.directory());
        int port = LoopbackPorts.resolve(SERVER_NAME, config.port());
        URI uri = URI.create("http://127.0.0.1:" + port);

        if (config.storage() == S3Storage.FILESYSTEM) {
            createDirectories(dataFolder(home));
        }
        Path properties = home.directory().resolve("s3proxy.properties");
        PropertiesFile.write(
                properties,
                "Local S3 server written by Kiln (" + LocalS3.class.getName() + ")",
                s3proxyProperties(home, uri, config.storage()));
        List<String> jvmOptions = new ArrayList<>(List.of(
                "-Xmx512m",
                "-XX:+UseSerialGC",
                // s3proxy's logback.xml reads these; warnings and errors only
                "-DLOG_LEVEL=warn",
                "-DJETTY_LOG_LEVEL=warn",
                // without it, logback prints its own configuration report into the log at every start
                "-Dlogback.statusListenerClass=ch.qos.logback.core.status.NopStatusListener"));
        jvmOptions.addAll(config.jit().jvmOptions());
        var command = new JavaCommand(
                jvmOptions,
                ServerClasspath.s3proxy(),
                "org.gaul.s3proxy.Main",
                List.of("--properties", properties.toString()));
        ServerProcess process = ChildJvmLauncher.launch(home, command, config.lifetime());
        Duration startupTime = process.awaitReady(new HttpReadiness(uri), config.startupTimeout());

        var endpoint = new S3Endpoint(uri, REGION, ACCESS_KEY, SECRET_KEY);
        LOG.info(
                "S3 (s3proxy, {} storage) started at {} in {} ms (pid {}, log {})",
                config.storage().name().toLowerCase(Locale.ROOT),
                uri,
                startupTime.toMillis(),
                process.pid(),
                home.logFile());
        return new LocalS3(process, endpoint, startupTime);
    }

    /** The detached server whose folder is {@code directory}, if it is running. */
    public static Optional<DetachedServer> findDetached(Path directory) {
        return DetachedServer.find(new ServerHome(SERVER_NAME, directory));
    }

    private static Map<String, String> s3proxyProperties(ServerHome home, URI uri, S3Storage storage) {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("s3proxy.endpoint", uri.toString());
        properties.put("s3proxy.authorization", "aws-v2-or-v4");
        properties.put("s3proxy.identity", ACCESS_KEY);
        properties.put("s3proxy.credential", SECRET_KEY);
        switch (storage) {
            case TRANSIENT -> properties.put("jclouds.provider", "transient");
            case FILESYSTEM -> {
                properties.put("jclouds.provider", "filesystem");
                properties.put("jclouds.filesystem.basedir", dataFolder(home).toString());
            }
        }
        return properties;
    }

    private static Path dataFolder(ServerHome home) {
        return home.directory().resolve("data");
    }

    private static void createDirectories(Path folder) {
        try {
            Files.createDirectories(folder);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + folder, e);
        }
    }
}
