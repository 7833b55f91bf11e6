package io.kiln.infra.local.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class DetachedServerIT {

    @Test
    void detachedServerIsFoundThroughItsPidFileAndStopped() throws Exception {
        Path folder = TestFolders.fresh("s3-detached-");
        var config = LocalS3Config.forDevelopment(folder, 0);
        try (LocalS3 s3 = LocalS3.start(config)) {
            int port = s3.endpoint().endpoint().getPort();

            DetachedServer found = LocalS3.findDetached(folder).orElseThrow();
            assertThat(found.pid()).isEqualTo(s3.pid());
            assertThat(found.serverName()).isEqualTo("S3");

            found.stop();

            assertThat(folder.resolve("s3.pid")).doesNotExist();
            assertThat(LocalS3.findDetached(folder)).isEmpty();
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(ProcessHandle.of(s3.pid()).filter(ProcessHandle::isAlive))
                        .isEmpty();
                assertThat(LoopbackPorts.accepts(port)).isFalse();
            });
        }
    }

    @Test
    void pidFileNamingAnotherProcessFindsNothing() throws Exception {
        Path folder = TestFolders.fresh("s3-foreign-pid-");
        // this test JVM is alive but is no S3 server: its pid must never be signalled
        Files.writeString(
                folder.resolve("s3.pid"), Long.toString(ProcessHandle.current().pid()));

        assertThat(LocalS3.findDetached(folder)).isEmpty();
    }

    @Test
    void missingOrGarbledPidFileFindsNothing() throws Exception {
        Path folder = TestFolders.fresh("kafka-no-pid-");
        assertThat(LocalKafka.findDetached(folder)).isEmpty();

        Files.writeString(folder.resolve("kafka.pid"), "not a pid");
        assertThat(LocalKafka.findDetached(folder)).isEmpty();
    }
}
