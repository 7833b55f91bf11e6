package io.kiln.infra.local.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Servers tied to their parent leave no process and no open port behind when that parent is killed with SIGKILL. */
class ParentDeathIT {

    @Test
    void serversExitAndReleaseTheirPortsWhenTheirParentJvmIsKilled() throws Exception {
        Path folder = TestFolders.fresh("parent-death-");
        Process parent = new ProcessBuilder(
                        ProcessHandle.current().info().command().orElseThrow(),
                        "-cp",
                        System.getProperty("java.class.path"),
                        ServersParent.class.getName(),
                        folder.toString())
                .redirectError(folder.resolve("parent-stderr.log").toFile())
                .start();
        try {
            Map<String, Long> report =
                    CompletableFuture.supplyAsync(() -> readReport(parent)).get(2, TimeUnit.MINUTES);
            long kafkaPid = report.get("kafka.pid");
            long s3Pid = report.get("s3.pid");
            int kafkaPort = Math.toIntExact(report.get("kafka.port"));
            int s3Port = Math.toIntExact(report.get("s3.port"));
            assertThat(isRunning(kafkaPid)).isTrue();
            assertThat(isRunning(s3Pid)).isTrue();
            assertThat(LoopbackPorts.accepts(kafkaPort)).isTrue();
            assertThat(LoopbackPorts.accepts(s3Port)).isTrue();

            // SIGKILL: no shutdown hook, no finally block runs in the parent
            parent.destroyForcibly().waitFor();

            await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
                assertThat(isRunning(kafkaPid))
                        .as("Kafka (pid %d) running", kafkaPid)
                        .isFalse();
                assertThat(isRunning(s3Pid)).as("S3 (pid %d) running", s3Pid).isFalse();
                assertThat(LoopbackPorts.accepts(kafkaPort))
                        .as("Kafka port open")
                        .isFalse();
                assertThat(LoopbackPorts.accepts(s3Port)).as("S3 port open").isFalse();
            });
        } finally {
            parent.destroyForcibly();
        }
    }

    private static Map<String, Long> readReport(Process parent) {
        Map<String, Long> report = new HashMap<>();
        try (var reader = new BufferedReader(new InputStreamReader(parent.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!line.startsWith(ServersParent.REPORT)) {
                    continue;
                }
                String entry = line.substring(ServersParent.REPORT.length());
                if (entry.equals("ready")) {
                    return report;
                }
                String[] keyAndValue = entry.split("=", 2);
                report.put(keyAndValue[0], Long.parseLong(keyAndValue[1]));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalStateException("The parent JVM ended before it reported ready; see its stderr log");
    }

    private static boolean isRunning(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
