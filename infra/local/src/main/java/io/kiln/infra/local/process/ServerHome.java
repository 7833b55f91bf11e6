package io.kiln.infra.local.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalLong;

/**
 * A server's folder and the identity of its process: the log and pid files in the folder, and the marker its JVM
 * carries on its command line so that a pid read back from a file is only signalled if it still is that server.
 *
 * @param serverName {@code Kafka} or {@code S3}, as messages show it
 * @param directory the server's own folder (configuration, log, pid file, data)
 */
record ServerHome(String serverName, Path directory) {

    ServerHome {
        if (serverName == null || serverName.isBlank()) {
            throw new IllegalArgumentException("serverName must not be blank");
        }
        if (directory == null) {
            throw new IllegalArgumentException("directory must not be null");
        }
        directory = directory.toAbsolutePath().normalize();
    }

    /** {@code kafka}, {@code s3}: the stem of the server's file names. */
    String id() {
        return serverName.toLowerCase(Locale.ROOT);
    }

    Path logFile() {
        return directory.resolve(id() + ".log");
    }

    Path pidFile() {
        return directory.resolve(id() + ".pid");
    }

    /** A system property naming the server and its folder: harmless to the server, unique to this home. */
    String markerOption() {
        return "-Dkiln.infra.server=" + id() + "@" + directory;
    }

    /** Whether {@code process} is this home's server (and not another process that got its pid since). */
    boolean isCarriedBy(ProcessHandle process) {
        return process.info()
                .commandLine()
                .map(commandLine -> commandLine.contains(markerOption()))
                .orElse(false);
    }

    void writePid(long pid) {
        try {
            Files.writeString(pidFile(), pid + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + pidFile(), e);
        }
    }

    OptionalLong readPid() {
        try {
            return OptionalLong.of(Long.parseLong(
                    Files.readString(pidFile(), StandardCharsets.US_ASCII).strip()));
        } catch (NoSuchFileException e) {
            return OptionalLong.empty();
        } catch (NumberFormatException e) {
            // a truncated or hand-edited file names no process we could safely signal
            return OptionalLong.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + pidFile(), e);
        }
    }

    void deletePidFile() {
        try {
            Files.deleteIfExists(pidFile());
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + pidFile(), e);
        }
    }
}
