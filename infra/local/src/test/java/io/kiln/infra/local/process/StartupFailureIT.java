package io.kiln.infra.local.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.infra.local.ServerStartupException;
import io.kiln.infra.local.process.child.FormatThenRunKafka;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class StartupFailureIT {

    @Test
    void kafkaRejectingItsConfigurationIsReportedWithExitCodeCommandAndLogTail() throws Exception {
        Path folder = TestFolders.fresh("kafka-bad-config-");
        var config = LocalKafkaConfig.forTests(folder).withBrokerProperty("log.retention.ms", "soon");

        assertThatThrownBy(() -> LocalKafka.start(config))
                .isInstanceOfSatisfying(ServerStartupException.class, e -> assertThat(e.serverName())
                        .isEqualTo("Kafka"))
                .hasMessageStartingWith("Kafka did not start: its process exited with code 1 before it was ready.")
                .hasMessageContaining(
                        "command: " + ProcessHandle.current().info().command().orElseThrow())
                .hasMessageContaining(FormatThenRunKafka.class.getName())
                .hasMessageContaining(
                        "log: " + folder.toAbsolutePath().normalize().resolve("kafka.log"))
                .hasMessageContaining("Invalid value soon for configuration log.retention.ms");
    }

    @Test
    void s3OnATakenPortIsReportedNamingThePort() throws Exception {
        Path folder = TestFolders.fresh("s3-port-taken-");
        try (var taken = new ServerSocket(0, 1, LoopbackPorts.LOOPBACK)) {
            var config = new LocalS3Config(
                    folder,
                    taken.getLocalPort(),
                    S3Storage.TRANSIENT,
                    ChildLifetime.TIED_TO_PARENT,
                    LocalS3Config.DEFAULT_STARTUP_TIMEOUT,
                    ServerJit.QUICK_START);

            assertThatThrownBy(() -> LocalS3.start(config))
                    .isInstanceOfSatisfying(ServerStartupException.class, e -> assertThat(e.serverName())
                            .isEqualTo("S3"))
                    .hasMessageStartingWith(
                            "S3 cannot start: 127.0.0.1:" + taken.getLocalPort() + " is already in use");
        }
    }

    @Test
    void s3NotReadyInTimeIsStoppedAndReported() throws Exception {
        Path folder = TestFolders.fresh("s3-slow-");
        var config = new LocalS3Config(
                folder,
                0,
                S3Storage.TRANSIENT,
                ChildLifetime.TIED_TO_PARENT,
                Duration.ofMillis(100),
                ServerJit.QUICK_START);

        assertThatThrownBy(() -> LocalS3.start(config))
                .isInstanceOf(ServerStartupException.class)
                .hasMessageStartingWith("S3 did not start: it was not ready within 100 ms.");
        assertThat(ProcessHandle.current().children())
                .noneMatch(child -> new ServerHome("S3", folder).isCarriedBy(child));
    }
}
