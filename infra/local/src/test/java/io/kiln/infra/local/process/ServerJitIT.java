package io.kiln.infra.local.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compiler choice reaches the server's command line: C1 only for tests, the JVM's default otherwise. */
class ServerJitIT {
    static final String C1_ONLY = "-XX:TieredStopAtLevel=1";

    @Test
    void testServersRunC1Only() throws Exception {
        try (LocalS3 s3 = LocalS3.start(LocalS3Config.forTests(TestFolders.fresh("s3-quick-start-")))) {
            assertThat(arguments(s3.pid())).contains(C1_ONLY);
        }
    }

    @Test
    void fullSpeedServersKeepTheDefaultTieredCompilation() throws Exception {
        var config = new LocalS3Config(
                TestFolders.fresh("s3-full-speed-"),
                0,
                S3Storage.TRANSIENT,
                ChildLifetime.TIED_TO_PARENT,
                LocalS3Config.DEFAULT_STARTUP_TIMEOUT,
                ServerJit.FULL_SPEED);
        try (LocalS3 s3 = LocalS3.start(config)) {
            assertThat(arguments(s3.pid())).isNotEmpty().noneMatch(argument -> argument.startsWith("-XX:Tiered"));
        }
    }

    /**
     * A running process's command line, from Linux's {@code /proc/<pid>/cmdline}: {@link ProcessHandle.Info} gives
     * none for the broker, whose class path is too long for it.
     */
    static List<String> arguments(long pid) throws IOException {
        Path cmdline = Path.of("/proc", Long.toString(pid), "cmdline");
        assumeTrue(Files.exists(Path.of("/proc/self/cmdline")), "reading a command line needs Linux's /proc");
        return List.of(Files.readString(cmdline).split("\0"));
    }
}
