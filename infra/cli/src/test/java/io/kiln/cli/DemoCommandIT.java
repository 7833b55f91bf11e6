package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.cli.KilnProcess.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@code kiln demo} with no cluster running: it starts one, generates through the API, downloads the images and stops
 * the cluster again. {@code LocalCommandIT} runs it against a cluster that was already running.
 */
class DemoCommandIT {
    private Path dir;

    @BeforeEach
    void createFolder() throws IOException {
        Path root = Path.of(System.getProperty("kiln.infra.workdir", "target/kiln-infra"));
        dir = Files.createTempDirectory(Files.createDirectories(root), "demo-command-")
                .toAbsolutePath();
    }

    @AfterEach
    void stopWhateverAFailedTestLeftRunning() {
        LocalCluster.down(dir.resolve("cluster"));
    }

    @Test
    void withoutAClusterItStartsOneGeneratesDownloadsAndStopsIt() throws Exception {
        Result demo = KilnProcess.run(
                dir, "demo", "--dir", dir.resolve("cluster").toString(), "--count", "1", "--out", "pictures");

        assertThat(demo.exitCode()).as(demo.output()).isZero();
        assertThat(demo.output())
                .containsSubsequence(
                        "No kiln local runs from",
                        "dispatcher ready",
                        "Submitted 1 job(s) for \"" + DemoCommand.DEFAULT_PROMPTS.getFirst() + "\"",
                        "succeeded",
                        "Images:",
                        "pictures",
                        "Stopping the demo's cluster...");
        LocalCommandIT.assertDemoImages(dir.resolve("pictures"), 1);
        assertThat(LocalCluster.running(dir.resolve("cluster"))).isEmpty();
        assertThat(new LocalProcesses(dir.resolve("cluster")).recordedNames())
                .as("no pid file left: every part was stopped")
                .isEmpty();
    }
}
