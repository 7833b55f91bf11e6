package io.kiln.infra.local.process;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * The "parent" JVM of {@link ParentDeathIT}: starts a local Kafka and S3 tied to itself, reports their pids and ports
 * on standard output, then waits until its own stdin closes (so it also goes away if the test JVM dies).
 *
 * <p>Usage: {@code ServersParent <work folder>}.
 */
public final class ServersParent {

    /** Report lines start with this, so they stand out from any log output. */
    static final String REPORT = "servers-parent ";

    private ServersParent() {}

    public static void main(String[] args) throws IOException {
        Path folder = Path.of(args[0]);
        // try-with-resources keeps both servers reachable while the parent waits: a collected Process would close
        // the stdin pipe its child's watchdog reads
        try (LocalKafka kafka = LocalKafka.start(LocalKafkaConfig.forTests(folder.resolve("kafka")));
                LocalS3 s3 = LocalS3.start(LocalS3Config.forTests(folder.resolve("s3")))) {
            report("kafka.pid", kafka.pid());
            report("kafka.port", port(kafka.endpoint().bootstrapServers()));
            report("s3.pid", s3.pid());
            report("s3.port", s3.endpoint().endpoint().getPort());
            System.out.println(REPORT + "ready");
            System.out.flush();
            awaitEndOfInput(System.in);
        }
    }

    private static void report(String key, long value) {
        System.out.println(REPORT + key + "=" + value);
    }

    private static int port(String hostAndPort) {
        return Integer.parseInt(hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1));
    }

    private static void awaitEndOfInput(InputStream in) throws IOException {
        while (in.read() != -1) {
            // nothing is ever written; only end-of-file matters
        }
    }
}
