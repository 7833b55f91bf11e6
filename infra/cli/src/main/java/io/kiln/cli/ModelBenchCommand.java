package io.kiln.cli;

import io.kiln.bench.TinyRandomModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kiln bench model}: writes the model the benchmarks serve when given none, so that a fresh clone, which holds
 * no model, can try {@code generate}, {@code tokenize} and {@code bench pipeline} too.
 */
@Command(
        name = "model",
        mixinStandardHelpOptions = true,
        description = {
            "Writes a diffusers folder with random weights in the shapes of diffusers' small test pipeline (64x64"
                    + " images, 8.7 MB), the model the benchmarks use when given none, and prints its path.",
            "Its images are noise: it is for timing and for trying the commands, not for pictures."
        })
public final class ModelBenchCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Option(
            names = "--out",
            defaultValue = ".kiln",
            paramLabel = "DIR",
            description =
                    "Folder to write the model into, as DIR/" + TinyRandomModel.NAME + " (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Override
    public Integer call() throws IOException {
        Path model = TinyRandomModel.writeInto(Files.createDirectories(out));
        spec.commandLine().getOut().println(model);
        return ExitCode.OK;
    }
}
