package io.kiln.cli;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * The child JVMs of a local cluster in folder {@code D}, from their start to their stop: each writes its output to
 * {@code D/logs/<name>.log}, has its pid in {@code D/pids/<name>.pid} and carries a marker naming it and {@code D} on
 * its command line, so that a pid read back later is signalled only while it still is that child, never a process
 * that got the pid since.
 *
 * <p>Every child runs the same {@code java} and class path as this JVM, and starts with SIGINT ignored: the terminal
 * sends Ctrl-C to every process of the foreground job, and the cluster must stop in order (workers, dispatcher,
 * servers) instead of all at once. A JVM that finds SIGINT ignored at its start leaves it so and still stops on
 * SIGTERM, which is how children are stopped.
 */
final class LocalProcesses {

    /** The JVM options of the {@code ./kiln} script, which every child gets. */
    private static final List<String> JVM_OPTIONS =
            List.of("--enable-native-access=ALL-UNNAMED", "-Dai.djl.offline=true");

    /**
     * glibc's malloc settings of the {@code ./kiln} script, for children whose parent was started another way:
     * libtorch then keeps the memory it frees for the next tensor (docs/WORKER.md, "Native memory").
     */
    private static final Map<String, String> MALLOC_DEFAULTS = Map.of(
            "MALLOC_MMAP_THRESHOLD_", "1073741824",
            "MALLOC_TRIM_THRESHOLD_", "4294967295",
            "MALLOC_TOP_PAD_", "268435456");

    /** Runs the java command given as the shell's arguments, with SIGINT ignored, as the same process. */
    private static final String IGNORE_SIGINT_THEN_EXEC = "trap '' INT; exec \"$0\" \"$@\"";

    /** How long SIGKILL may take to show: the kernel needs a moment to tear a JVM down. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final Path dir;

    LocalProcesses(Path dir) {
        this.dir = dir.toAbsolutePath().normalize();
    }

    /**
     * One child JVM to start.
     *
     * @param name {@code dispatcher}, {@code worker-1}, …: its pid and log file names
     * @param mainClass the class whose {@code main} it runs
     * @param arguments the arguments to that {@code main}
     * @param environment variables set for the child; every other {@code KILN_*} variable of this JVM is removed, so
     *     that what a shell exported for another setup (another broker, another bucket) does not reach the cluster
     */
    record Command(String name, String mainClass, List<String> arguments, Map<String, String> environment) {
        Command {
            if (name == null || !name.matches("[a-z0-9-]+")) {
                throw new IllegalArgumentException("name: must be lowercase letters, digits or '-', was " + name);
            }
            arguments = List.copyOf(arguments);
            environment = Map.copyOf(environment);
        }
    }

    /** A started child. */
    record Child(String name, Process process, Path logFile) {

        /** How many lines of its log a failure shows. */
        private static final int LOG_TAIL_LINES = 30;

        long pid() {
            return process.pid();
        }

        /** An exception saying that this child {@code did} something wrong, with the end of its log. */
        IllegalStateException failure(String did) {
            StringBuilder message = new StringBuilder()
                    .append(name)
                    .append(" (pid ")
                    .append(pid())
                    .append(") ")
                    .append(did)
                    .append("; log: ")
                    .append(logFile);
            logTail().forEach(line -> message.append("\n  | ").append(line));
            return new IllegalStateException(message.toString());
        }

        private List<String> logTail() {
            try {
                // decoded leniently: a log cut mid-character must still be shown
                List<String> lines = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8)
                        .lines()
                        .toList();
                return lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
            } catch (IOException e) {
                return List.of();
            }
        }
    }

    /** Starts {@code command}'s JVM with its output appended to its log; records its pid unless it is short-lived. */
    Child start(Command command, boolean recordPid) {
        Path logFile = logFile(command.name());
        List<String> line = new ArrayList<>(List.of("/bin/sh", "-c", IGNORE_SIGINT_THEN_EXEC, javaExecutable()));
        line.addAll(JVM_OPTIONS);
        // before the class path, which is longer than the 4 KiB of a command line that the JDK reads back on Linux
        line.add(marker(command.name()));
        line.add("-cp");
        line.add(System.getProperty("java.class.path"));
        line.add(command.mainClass());
        line.addAll(command.arguments());
        ProcessBuilder builder = new ProcessBuilder(line)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                // appended: a restarted cluster keeps the log of what went wrong before
                .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
                // a child outlives a detached start; no pipe from a JVM that has gone
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        Map<String, String> environment = builder.environment();
        environment.keySet().removeIf(variable -> variable.startsWith("KILN_"));
        MALLOC_DEFAULTS.forEach(environment::putIfAbsent);
        environment.putAll(command.environment());
        try {
            Files.createDirectories(logFile.getParent());
            Process process = builder.start();
            if (recordPid) {
                writePid(command.name(), process.pid());
            }
            return new Child(command.name(), process, logFile);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + command.name() + " (" + command.mainClass() + ")", e);
        }
    }

    /** The running child recorded as {@code name}, if its pid is alive and still carries its marker. */
    Optional<ProcessHandle> find(String name) {
        String marker = marker(name);
        return readPid(name).stream()
                .boxed()
                .findFirst()
                .flatMap(ProcessHandle::of)
                .filter(ProcessHandle::isAlive)
                .filter(process -> process.info()
                        .commandLine()
                        .map(commandLine -> commandLine.contains(marker))
                        .orElse(false));
    }

    /** The names of all recorded pids, in no particular order. */
    List<String> recordedNames() {
        try (Stream<Path> files = Files.list(pidFolder())) {
            return files.map(file -> file.getFileName().toString())
                    .filter(file -> file.endsWith(".pid"))
                    .map(file -> file.substring(0, file.length() - ".pid".length()))
                    .toList();
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + pidFolder(), e);
        }
    }

    void writePid(String name, long pid) {
        Path file = pidFile(name);
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, pid + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    OptionalLong readPid(String name) {
        Path file = pidFile(name);
        try {
            return OptionalLong.of(Long.parseLong(
                    Files.readString(file, StandardCharsets.US_ASCII).strip()));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (NumberFormatException e) {
            // a truncated or hand-edited file names no process we could safely signal
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + file, e);
        }
    }

    void deletePid(String name) {
        Path file = pidFile(name);
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + file, e);
        }
    }

    Path pidFile(String name) {
        return pidFolder().resolve(name + ".pid");
    }

    Path logFile(String name) {
        return dir.resolve("logs").resolve(name + ".log");
    }

    /**
     * Stops {@code processes} together: SIGTERM to all, then SIGKILL to those still running {@code grace} later.
     * Returns once all have exited.
     */
    static void stop(Collection<ProcessHandle> processes, Duration grace) {
        processes.forEach(ProcessHandle::destroy);
        Instant deadline = Instant.now().plus(grace);
        List<ProcessHandle> stubborn = processes.stream()
                .filter(process -> !exitsBy(process, deadline))
                .toList();
        stubborn.forEach(ProcessHandle::destroyForcibly);
        Instant killed = Instant.now().plus(KILL_WAIT);
        for (ProcessHandle process : stubborn) {
            if (!exitsBy(process, killed)) {
                throw new IllegalStateException("pid " + process.pid() + " is still running after SIGKILL");
            }
        }
    }

    private static boolean exitsBy(ProcessHandle process, Instant deadline) {
        long millis = Math.max(0, Duration.between(Instant.now(), deadline).toMillis());
        try {
            process.onExit().get(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return !process.isAlive();
        } catch (ExecutionException e) {
            throw new IllegalStateException("Waiting for pid " + process.pid() + " failed", e);
        }
    }

    private String marker(String name) {
        return "-Dkiln.local.child=" + name + "@" + dir;
    }

    private Path pidFolder() {
        return dir.resolve("pids");
    }

    private static String javaExecutable() {
        return ProcessHandle.current().info().command().orElseGet(() -> Path.of(
                        System.getProperty("java.home"), "bin", "java")
                .toString());
    }
}
