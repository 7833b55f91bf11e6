package io.kiln.cli;

import io.kiln.bench.TinyRandomModel;
import io.kiln.engine.train.ShapesRecipe;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;

/**
 * The model the workers of a local cluster serve, and why that one, for the command's output.
 *
 * @param path a diffusers folder; its name is the model's name in requests
 * @param origin how it was chosen
 */
record ServedModel(Path path, String origin) {

    ServedModel {
        path = path.toAbsolutePath().normalize();
    }

    /** The model's name in requests and events: its folder's name, as the worker names it. */
    String name() {
        return path.getFileName().toString();
    }

    /**
     * {@code given} if there is one; else {@link ShapesRecipe#REPOSITORY_MODEL} if it exists; else a model with random
     * weights that this method writes into {@code dir} once and finds there on later starts.
     */
    static ServedModel choose(Optional<Path> given, Path dir) {
        return choose(given, dir, ShapesRecipe.REPOSITORY_MODEL);
    }

    /** {@link #choose(Optional, Path)} with the repository's model at {@code repositoryModel}. */
    static ServedModel choose(Optional<Path> given, Path dir, Path repositoryModel) {
        if (given.isPresent()) {
            return new ServedModel(given.get(), "given with --model");
        }
        if (Files.isDirectory(repositoryModel)) {
            return new ServedModel(repositoryModel, "the repository's model");
        }
        Path tiny = dir.resolve(TinyRandomModel.NAME);
        String origin = "random weights, its images are noise: " + repositoryModel + " is not there; pass --model";
        if (Files.isDirectory(tiny)) {
            return new ServedModel(tiny, origin);
        }
        try {
            // written aside and moved in whole, so that a start interrupted while writing leaves no half a model
            Path scratch = Files.createTempDirectory(Files.createDirectories(dir), ".model-");
            Files.move(TinyRandomModel.writeInto(scratch), tiny, StandardCopyOption.ATOMIC_MOVE);
            Files.delete(scratch);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write the random-weight model into " + tiny, e);
        }
        return new ServedModel(tiny, origin);
    }
}
