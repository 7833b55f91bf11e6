package io.kiln.worker.config;

import java.util.ArrayList;
import java.util.List;

/** The problems found while loading a configuration, collected so that one run reports them all. */
final class Problems {
    private final List<String> lines = new ArrayList<>();

    void add(String key, String problem) {
        String line = key + ": " + problem;
        if (!lines.contains(line)) {
            lines.add(line);
        }
    }

    void throwIfAny() throws InvalidConfigException {
        if (!lines.isEmpty()) {
            throw new InvalidConfigException(lines);
        }
    }
}
