package io.kiln.infra.local.process;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Writes a {@code .properties} file that {@link java.util.Properties#load} reads back as given, sorted by key so a
 * person can read it (unlike {@link java.util.Properties#store}).
 */
final class PropertiesFile {

    private PropertiesFile() {}

    static void write(Path file, String comment, Map<String, String> properties) {
        String body = new TreeMap<>(properties)
                .entrySet().stream()
                        .map(entry -> entry.getKey() + "=" + escape(entry.getValue()))
                        .collect(Collectors.joining("\n", "# " + comment + "\n", "\n"));
        try {
            Files.createDirectories(file.getParent());
            Files.writeString(file, body, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + file, e);
        }
    }

    private static String escape(String value) {
        if (value.contains("\n") || value.contains("\r")) {
            throw new IllegalArgumentException("property values must be single lines, was '" + value + "'");
        }
        // a backslash starts an escape when read back (Windows paths), leading blanks would be dropped
        String escaped = value.replace("\\", "\\\\");
        return escaped.startsWith(" ") ? "\\" + escaped : escaped;
    }
}
