package io.kiln.cli;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The command line run as the script runs it: a JVM of its own on this test's class path, in a folder of the test's. */
final class KilnProcess {
    private KilnProcess() {}

    /** What a finished run printed, stdout and stderr together. */
    record Result(int exitCode, String output) {}

    /** Runs {@code kiln args} in {@code workdir} to its end, within three minutes. */
    static Result run(Path workdir, String... args) throws Exception {
        Path output = Files.createTempFile(workdir, "kiln-", ".out");
        Process kiln = start(workdir, output, args);
        if (!kiln.waitFor(3, TimeUnit.MINUTES)) {
            kiln.destroyForcibly();
            throw new AssertionError("kiln " + String.join(" ", args) + " did not finish: " + Files.readString(output));
        }
        return new Result(kiln.exitValue(), Files.readString(output, StandardCharsets.UTF_8));
    }

    /** Starts {@code kiln args} in {@code workdir}, where no {@code models/kiln-shapes} is, writing to {@code output}. */
    static Process start(Path workdir, Path output, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                Kiln.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .directory(workdir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(output.toFile())
                .start();
    }
}
