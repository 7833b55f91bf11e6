package io.kiln.infra.local.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The last lines of a server's log, for start-up error messages. */
final class LogTail {

    private LogTail() {}

    /** Up to {@code maxLines} last lines of {@code logFile}; empty if it does not exist or cannot be read. */
    static List<String> lastLines(Path logFile, int maxLines) {
        if (maxLines < 0) {
            throw new IllegalArgumentException("maxLines must be >= 0, was " + maxLines);
        }
        try {
            // decoded leniently: a log cut mid-character must still be shown
            List<String> lines = new String(Files.readAllBytes(logFile), StandardCharsets.UTF_8)
                    .lines()
                    .toList();
            return lines.subList(Math.max(0, lines.size() - maxLines), lines.size());
        } catch (IOException e) {
            return List.of();
        }
    }
}
