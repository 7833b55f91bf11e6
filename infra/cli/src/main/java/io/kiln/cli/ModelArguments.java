package io.kiln.cli;

import io.kiln.engine.train.ShapesRecipe;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --model} and {@code --tokenizer}, for the commands that read a checkpoint. */
final class ModelArguments {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(
            names = "--model",
            paramLabel = "PATH",
            description = "A diffusers folder (model_index.json, unet/, vae/, text_encoder/, tokenizer/) or an"
                    + " original single-file .safetensors checkpoint (default: the repository's model, "
                    + "models/kiln-shapes).")
    private Path model;

    @Option(
            names = "--tokenizer",
            paramLabel = "DIR",
            description = "The tokenizer folder (vocab.json, merges.txt) of a single-file checkpoint, which carries"
                    + " none; a diffusers folder has its own.")
    private Path tokenizer;

    /**
     * The checkpoint: {@code --model}, else the repository's model.
     *
     * @throws ParameterException if it does not exist or is neither a folder nor a {@code .safetensors} file
     */
    Path model() {
        if (model == null) {
            if (!Files.isDirectory(ShapesRecipe.REPOSITORY_MODEL)) {
                throw invalid("no model: the default, " + ShapesRecipe.REPOSITORY_MODEL + ", is not in "
                        + Path.of("").toAbsolutePath() + "; run from the repository root or pass --model");
            }
            return ShapesRecipe.REPOSITORY_MODEL;
        }
        if (!Files.exists(model)) {
            throw invalid("--model: no such file or folder: " + model);
        }
        if (!Files.isDirectory(model) && !model.toString().endsWith(".safetensors")) {
            throw invalid("--model: " + model + " is neither a diffusers folder nor a .safetensors checkpoint");
        }
        return model;
    }

    /** Whether the checkpoint is one original {@code .safetensors} file rather than a diffusers folder. */
    boolean isSingleFile() {
        return !Files.isDirectory(model());
    }

    /**
     * The tokenizer folder of the checkpoint: a diffusers folder's own {@code tokenizer/}, or {@code --tokenizer} for
     * a single file.
     *
     * @throws ParameterException if {@code --tokenizer} is missing for a single file, given for a folder, or is no
     *     folder
     */
    Path tokenizerDir() {
        if (!isSingleFile()) {
            if (tokenizer != null) {
                throw invalid("--tokenizer: only for a single-file checkpoint; " + model() + " has its own tokenizer/");
            }
            return model().resolve("tokenizer");
        }
        if (tokenizer == null) {
            throw invalid(
                    "--tokenizer: required for the single-file checkpoint " + model() + ", which holds no vocabulary");
        }
        if (!Files.isDirectory(tokenizer)) {
            throw invalid("--tokenizer: no such folder: " + tokenizer);
        }
        return tokenizer;
    }

    ParameterException invalid(String message) {
        return new ParameterException(command.commandLine(), message);
    }
}
