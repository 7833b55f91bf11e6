package io.kiln.worker.output;

import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.local.process.ChildLifetime;
import io.kiln.infra.local.process.LocalS3;
import io.kiln.infra.local.process.LocalS3Config;
import io.kiln.infra.local.process.S3Storage;
import io.kiln.infra.local.process.ServerJit;
import io.kiln.infra.testing.LocalInfraExtension;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A test's own S3 server (s3proxy) that can be stopped and started again: objects are kept in files and the port is
 * fixed after the first start, so that clients configured with its endpoint find the same store when it returns.
 */
public final class OutageS3 implements AutoCloseable {
    private final Path folder;
    private final S3Endpoint endpoint;
    private LocalS3 server;

    private OutageS3(Path folder, LocalS3 server) {
        this.folder = folder;
        this.server = server;
        this.endpoint = server.endpoint();
    }

    /** Starts a server on any free port, with its files in a new folder under the infrastructure work root. */
    public static OutageS3 start() throws IOException {
        Path root = Path.of(System.getProperty(LocalInfraExtension.WORK_ROOT_PROPERTY, "target/kiln-infra"));
        Path folder = Files.createTempDirectory(Files.createDirectories(root), "s3-outage-");
        return new OutageS3(folder, LocalS3.start(config(folder, 0)));
    }

    /**
     * Another server over the same files, on a port of its own, to be stopped apart from this one: two workers
     * writing to one store through doors that fail separately.
     */
    public OutageS3 sharing() {
        return new OutageS3(folder, LocalS3.start(config(folder, 0)));
    }

    /** Where the server answers, whether it runs now or not. */
    public S3Endpoint endpoint() {
        return endpoint;
    }

    /** Stops the server; connections to its port are refused until {@link #restart}. */
    public void stop() {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** Starts the server again on the same port, over the same files. */
    public void restart() {
        if (server == null) {
            server = LocalS3.start(config(folder, endpoint.endpoint().getPort()));
        }
    }

    @Override
    public void close() {
        stop();
    }

    private static LocalS3Config config(Path folder, int port) {
        return new LocalS3Config(
                folder,
                port,
                S3Storage.FILESYSTEM,
                ChildLifetime.TIED_TO_PARENT,
                LocalS3Config.DEFAULT_STARTUP_TIMEOUT,
                ServerJit.QUICK_START);
    }
}
