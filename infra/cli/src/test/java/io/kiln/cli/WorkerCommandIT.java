package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.io.IOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kiln worker} as its own JVM, as the script runs it, against the real broker and S3 server: it logs its
 * start with the command line's own logging configuration, becomes ready, and stops on SIGTERM.
 */
@KilnInfra
class WorkerCommandIT {

    private static final Pattern HTTP_PORT = Pattern.compile("HTTP on port (\\d+)");

    private Process worker;

    @AfterEach
    void killWhatAFailedTestLeftRunning() {
        if (worker != null) {
            worker.destroyForcibly();
        }
    }

    @Test
    void runsAWorkerThatBecomesReadyAndStopsOnSigterm(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        Path dir = Files.createTempDirectory(
                Files.createDirectories(Path.of(System.getProperty("kiln.infra.workdir", "target/kiln-infra"))),
                "worker-command-");
        Path config = writeConfig(dir.resolve("worker.properties"), kafka, s3);
        Path output = dir.resolve("worker.out");

        worker = new ProcessBuilder(List.of(
                        ProcessHandle.current().info().command().orElseThrow(),
                        "--enable-native-access=ALL-UNNAMED",
                        // the command line's logback.xml (root at WARN), not the tests' logback-test.xml
                        "-Dlogback.configurationFile=logback.xml",
                        "-cp",
                        System.getProperty("java.class.path"),
                        Kiln.class.getName(),
                        "worker",
                        "--config",
                        config.toString()))
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();

        // the worker's INFO line, shown although the configuration keeps every logger at WARN
        int port = await().atMost(Duration.ofMinutes(2)).until(() -> httpPort(output), found -> found > 0);
        try (HttpClient http = HttpClient.newHttpClient()) {
            URI ready = URI.create("http://127.0.0.1:" + port + "/health/ready");
            await().atMost(Duration.ofMinutes(1))
                    .ignoreExceptions()
                    .until(() -> http.send(HttpRequest.newBuilder(ready).build(), HttpResponse.BodyHandlers.ofString())
                                    .statusCode()
                            == 200);
        }

        worker.destroy(); // SIGTERM
        assertThat(worker.waitFor(1, TimeUnit.MINUTES))
                .as(Files.readString(output))
                .isTrue();
        assertThat(Files.readString(output))
                .containsPattern(
                        "(?m)^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z INFO  \\[main] .* worker cli-it started")
                .doesNotContain("ERROR");
    }

    private static int httpPort(Path output) throws IOException {
        Matcher matcher = HTTP_PORT.matcher(Files.readString(output, StandardCharsets.UTF_8));
        return matcher.find() ? Integer.parseInt(matcher.group(1)) : -1;
    }

    private static Path writeConfig(Path file, KafkaEndpoint kafka, S3Endpoint s3) throws IOException {
        String run = "cli-it-" + UUID.randomUUID().toString().substring(0, 8);
        Properties properties = new Properties();
        properties.setProperty("worker.id", "cli-it");
        properties.setProperty("kafka.bootstrap", kafka.bootstrapServers());
        properties.setProperty("kafka.group", run);
        properties.setProperty("topics.jobs", run + ".jobs");
        properties.setProperty("topics.events", run + ".events");
        properties.setProperty("topics.dead-letters", run + ".jobs.DLT");
        properties.setProperty("topics.control", run + ".control");
        properties.setProperty("s3.endpoint", s3.endpoint().toString());
        properties.setProperty("s3.region", s3.region());
        properties.setProperty("s3.access-key", s3.accessKey());
        properties.setProperty("s3.secret-key", s3.secretKey());
        properties.setProperty("s3.bucket", run);
        properties.setProperty("model.path", GoldenData.file("models/tiny").toString());
        properties.setProperty("shutdown.grace", "5s");
        properties.setProperty("http.port", "0");
        try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            properties.store(out, "kiln worker integration test");
        }
        return file;
    }
}
