package io.kiln.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/**
 * What {@code kiln local} runs.
 *
 * @param dir the cluster's folder: the servers' data, the dispatcher's state, pid files, logs and the API key
 * @param workers how many worker JVMs, at least 1
 * @param model the diffusers folder the workers serve, which must exist; empty for {@link ServedModel#choose}'s default
 * @param apiPort the dispatcher's port on 127.0.0.1; 0 for any free port
 */
record LocalClusterConfig(Path dir, int workers, Optional<Path> model, int apiPort) {

    LocalClusterConfig {
        if (dir == null || model == null) {
            throw new IllegalArgumentException("dir and model must not be null");
        }
        if (model.isPresent() && !Files.isDirectory(model.get())) {
            throw new IllegalArgumentException("--model: " + model.get() + " is not a folder");
        }
        if (workers < 1) {
            throw new IllegalArgumentException("--workers: must be at least 1, was " + workers);
        }
        if (apiPort < 0 || apiPort > 65_535) {
            throw new IllegalArgumentException("--port: must be between 0 (any free port) and 65535, was " + apiPort);
        }
        dir = dir.toAbsolutePath().normalize();
    }

    /**
     * Partitions for new job topics, two per worker: a stopped worker's partitions spread over the others, and a
     * restart with up to twice the workers still finds one for each.
     */
    int partitions() {
        return 2 * workers;
    }
}
