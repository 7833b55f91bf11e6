package io.kiln.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A file of prompts as the commands that take many read it: a JSON array of strings. */
final class PromptsFile {
    private PromptsFile() {}

    /**
     * The prompts of {@code file}.
     *
     * @throws IllegalArgumentException naming the file and the problem: not JSON, not an array, a non-string element
     * @throws UncheckedIOException if the file cannot be read
     */
    static List<String> read(Path file) {
        JsonNode root;
        try {
            root = JsonMapper.shared().readTree(Files.readString(file));
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such file", e);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + ": " + e.getMessage(), e);
        } catch (JacksonException e) {
            throw new IllegalArgumentException(file + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (!root.isArray()) {
            throw new IllegalArgumentException(file + ": must be a JSON array of strings, got " + kind(root));
        }
        List<String> prompts = new ArrayList<>();
        for (int i = 0; i < root.size(); i++) {
            JsonNode prompt = root.get(i);
            if (!prompt.isString()) {
                throw new IllegalArgumentException(file + ": element " + i + " must be a string, got " + kind(prompt));
            }
            prompts.add(prompt.stringValue());
        }
        return prompts;
    }

    private static String kind(JsonNode node) {
        return switch (node.getNodeType()) {
            case ARRAY -> "an array";
            case OBJECT -> "an object";
            case NULL -> "null";
            case MISSING -> "no value";
            default -> "a " + node.getNodeType().name().toLowerCase(Locale.ROOT);
        };
    }
}
