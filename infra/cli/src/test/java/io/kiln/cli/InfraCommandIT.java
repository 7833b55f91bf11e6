package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.clients.S3ClientFactory;
import io.kiln.clients.S3Settings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.Bucket;

/**
 * Runs {@code kiln infra} as its own JVM, as the script does: the servers must outlive the {@code up} that started
 * them, and {@code down} (another JVM) must find and stop them.
 */
class InfraCommandIT {

    private Path dir;

    @BeforeEach
    void createFolder() throws IOException {
        Path root = Path.of(System.getProperty("kiln.infra.workdir", "target/kiln-infra"));
        dir = Files.createTempDirectory(Files.createDirectories(root), "infra-command-");
    }

    @AfterEach
    void stopWhateverAFailedTestLeftRunning() {
        new DevInfrastructure(dir).down();
    }

    @Test
    void upStartsServersThatOutliveItStatusSeesThemAndDownStopsThemAndFreesThePorts() throws Exception {
        Result up = kiln("infra", "up", "--dir", dir.toString(), "--kafka-port", "0", "--s3-port", "0");

        assertThat(up.exitCode()).as(up.output()).isZero();
        Map<String, String> exports = up.exports();
        String bootstrap = exports.get("KILN_KAFKA_BOOTSTRAP");
        URI s3Endpoint = URI.create(exports.get("KILN_S3_ENDPOINT"));
        assertThat(kafkaClusterNodes(bootstrap)).isEqualTo(1);
        assertThat(s3BucketNames(exports)).isEmpty();
        long kafkaPid = pid(dir.resolve("kafka/kafka.pid"));
        long s3Pid = pid(dir.resolve("s3/s3.pid"));
        assertThat(List.of(kafkaPid, s3Pid))
                .as("development servers run long, so they keep the JVM's C2 compiler")
                .allSatisfy(pid -> assertThat(arguments(pid)).noneMatch(argument -> argument.startsWith("-XX:Tiered")));

        Result status = kiln("infra", "status", "--dir", dir.toString());
        assertThat(status.exitCode()).as(status.output()).isZero();
        assertThat(status.output())
                .contains("Kafka running at " + bootstrap + " (pid " + kafkaPid + ")")
                .contains("S3    running at " + s3Endpoint + " (pid " + s3Pid + ")");

        Result again = kiln("infra", "up", "--dir", dir.toString());
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(again.output()).startsWith("Already up in ");
        assertThat(again.exports()).isEqualTo(exports);

        Result down = kiln("infra", "down", "--dir", dir.toString());
        assertThat(down.exitCode()).as(down.output()).isZero();
        assertThat(down.output())
                .contains("Kafka stopped (pid " + kafkaPid + ")")
                .contains("S3    stopped (pid " + s3Pid + ")");
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            assertThat(isRunning(kafkaPid)).as("Kafka running").isFalse();
            assertThat(isRunning(s3Pid)).as("S3 running").isFalse();
            assertThat(accepts(port(bootstrap))).as("Kafka port open").isFalse();
            assertThat(accepts(s3Endpoint.getPort())).as("S3 port open").isFalse();
        });

        Result stopped = kiln("infra", "status", "--dir", dir.toString());
        assertThat(stopped.exitCode()).isEqualTo(InfraCommand.NOT_RUNNING);
        assertThat(stopped.output()).contains("Kafka stopped", "S3    stopped");
    }

    private record Result(int exitCode, String output) {
        Map<String, String> exports() {
            return output.lines()
                    .filter(line -> line.startsWith("export "))
                    .map(line -> line.substring("export ".length()).split("=", 2))
                    .collect(Collectors.toMap(pair -> pair[0], pair -> pair[1]));
        }
    }

    private Result kiln(String... args) throws Exception {
        Path output = Files.createTempFile(dir, "kiln-", ".out");
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "-cp",
                System.getProperty("java.class.path"),
                Kiln.class.getName()));
        command.addAll(List.of(args));
        Process kiln = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
        if (!kiln.waitFor(2, TimeUnit.MINUTES)) {
            kiln.destroyForcibly();
            throw new AssertionError("kiln " + String.join(" ", args) + " did not finish: " + Files.readString(output));
        }
        return new Result(kiln.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    private static int kafkaClusterNodes(String bootstrap) throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return admin.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
        }
    }

    private static List<String> s3BucketNames(Map<String, String> exports) {
        S3Settings settings = S3Settings.compatibleStore(
                URI.create(exports.get("KILN_S3_ENDPOINT")),
                exports.get("KILN_S3_REGION"),
                exports.get("KILN_S3_ACCESS_KEY"),
                exports.get("KILN_S3_SECRET_KEY"));
        try (S3Client s3 = S3ClientFactory.createClient(settings)) {
            return s3.listBuckets().buckets().stream().map(Bucket::name).toList();
        }
    }

    private static long pid(Path pidFile) {
        try {
            return Long.parseLong(Files.readString(pidFile).strip());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The command line from Linux's /proc: ProcessHandle.Info gives none for the broker's long class path. */
    private static List<String> arguments(long pid) {
        try {
            return List.of(Files.readString(Path.of("/proc", Long.toString(pid), "cmdline"))
                    .split("\0"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isRunning(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }

    private static int port(String hostAndPort) {
        return Integer.parseInt(hostAndPort.substring(hostAndPort.lastIndexOf(':') + 1));
    }

    private static boolean accepts(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
