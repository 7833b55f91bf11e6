package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalProcessesTest {

    /** SIGINT's bit in /proc/PID/status's SigIgn mask. */
    private static final long SIGINT_MASK = 1L << (2 - 1);

    @TempDir
    Path dir;

    private LocalProcesses.Child child;

    @AfterEach
    void killWhatAFailedTestLeftRunning() {
        if (child != null) {
            child.process().destroyForcibly();
        }
    }

    @Test
    void readsBackThePidItWroteAndNothingFromAMissingOrDamagedFile() throws IOException {
        var processes = new LocalProcesses(dir);

        processes.writePid("worker-1", 4242);
        Files.writeString(processes.pidFile("worker-2"), "42 43\n");

        assertThat(processes.readPid("worker-1")).hasValue(4242);
        assertThat(processes.readPid("worker-2")).isEmpty();
        assertThat(processes.readPid("dispatcher")).isEmpty();
        assertThat(processes.recordedNames()).containsExactlyInAnyOrder("worker-1", "worker-2");
        processes.deletePid("worker-1");
        assertThat(processes.pidFile("worker-1")).doesNotExist();
    }

    @Test
    void aPidThatNowBelongsToAnotherProcessIsNeverFoundSoNeverSignalled() {
        var processes = new LocalProcesses(dir);
        // this JVM: alive, but without the folder's marker, like any process that got a dead child's pid
        processes.writePid("worker-1", ProcessHandle.current().pid());
        processes.writePid(LocalCluster.DISPATCHER, ProcessHandle.current().pid());

        assertThat(processes.find("worker-1")).isEmpty();
        assertThat(LocalCluster.down(dir))
                .filteredOn(stopped ->
                        !stopped.name().equals("Kafka") && !stopped.name().equals("S3"))
                .containsExactly(
                        new LocalCluster.Stopped("worker-1", Optional.empty()),
                        new LocalCluster.Stopped(LocalCluster.DISPATCHER, Optional.empty()));
        assertThat(processes.recordedNames()).isEmpty();
    }

    @Test
    void startsAChildThatCarriesItsMarkerIgnoresCtrlCAndStopsOnSigterm() throws IOException {
        var processes = new LocalProcesses(dir);

        child = processes.start(
                new LocalProcesses.Command(
                        "worker-1",
                        SleepingChild.class.getName(),
                        List.of("60"),
                        Map.of("KILN_SLEEPING_CHILD", "set for the child")),
                true);

        assertThat(processes.readPid("worker-1")).hasValue(child.pid());
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(Files.readString(child.logFile()))
                .contains("sleeping with KILN_SLEEPING_CHILD=set for the child, KILN_INFRA_MODE=null"));
        assertThat(processes.find("worker-1")).map(ProcessHandle::pid).hasValue(child.pid());
        Path status = Path.of("/proc", Long.toString(child.pid()), "status");
        if (Files.exists(status)) {
            assertThat(ignoredSignals(status) & SIGINT_MASK)
                    .as("SIGINT ignored")
                    .isEqualTo(SIGINT_MASK);
        }

        LocalProcesses.stop(List.of(child.process().toHandle()), Duration.ofSeconds(20));

        assertThat(child.process().isAlive()).isFalse();
        assertThat(Files.readString(child.logFile())).contains("stopping on a signal");
    }

    private static long ignoredSignals(Path procStatus) throws IOException {
        return Files.readAllLines(procStatus).stream()
                .filter(line -> line.startsWith("SigIgn:"))
                .mapToLong(line -> Long.parseUnsignedLong(
                        line.substring("SigIgn:".length()).strip(), 16))
                .findFirst()
                .orElseThrow();
    }
}
