package io.kiln.infra.local.process;

import io.kiln.infra.local.process.child.ParentWatchdog;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Starts a server's child JVM with the same {@code java} as ours, its output in its log file.
 *
 * <p>The child's class path is the server's own jars plus the jar (or classes folder) holding {@link ParentWatchdog},
 * the only classes of ours the child loads. A child {@linkplain ChildLifetime#TIED_TO_PARENT tied to its parent} runs
 * under the watchdog with its stdin a pipe from us; a {@linkplain ChildLifetime#DETACHED detached} one reads
 * {@code /dev/null} and gets a pid file.
 */
final class ChildJvmLauncher {

    private ChildJvmLauncher() {}

    static ServerProcess launch(ServerHome home, JavaCommand command, ChildLifetime lifetime) {
        List<String> classpath = Stream.concat(command.classpath().stream(), Stream.of(ownCodeSource()))
                .map(Path::toString)
                .toList();
        List<String> prefix = new ArrayList<>();
        prefix.add(javaExecutable());
        prefix.addAll(command.jvmOptions());
        prefix.add(home.markerOption());
        prefix.add("-cp");
        List<String> suffix = new ArrayList<>();
        if (lifetime == ChildLifetime.TIED_TO_PARENT) {
            suffix.add(ParentWatchdog.class.getName());
        }
        suffix.add(command.mainClass());
        suffix.addAll(command.arguments());

        List<String> fullCommand = new ArrayList<>(prefix);
        fullCommand.add(String.join(File.pathSeparator, classpath));
        fullCommand.addAll(suffix);
        // the class path is thousands of characters of jar paths: messages show its size instead
        String displayCommand =
                String.join(" ", prefix) + " <" + classpath.size() + " class path entries> " + String.join(" ", suffix);

        ProcessBuilder builder = new ProcessBuilder(fullCommand)
                .directory(home.directory().toFile())
                .redirectErrorStream(true)
                .redirectOutput(home.logFile().toFile());
        if (lifetime == ChildLifetime.DETACHED) {
            builder.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        }
        try {
            Files.createDirectories(home.directory());
            Instant startedAt = Instant.now();
            Process process = builder.start();
            if (lifetime == ChildLifetime.DETACHED) {
                home.writePid(process.pid());
            }
            return new ServerProcess(home, process, displayCommand, startedAt);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot start " + home.serverName() + ": " + displayCommand, e);
        }
    }

    /** The {@code java} running this JVM, so the child runs on the same JDK. */
    private static String javaExecutable() {
        return ProcessHandle.current().info().command().orElseGet(() -> Path.of(
                        System.getProperty("java.home"), "bin", "java")
                .toString());
    }

    private static Path ownCodeSource() {
        try {
            return Path.of(ParentWatchdog.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException("Cannot locate the jar of " + ParentWatchdog.class.getName(), e);
        }
    }
}
