package io.kiln.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kiln bench}: timings of the diffusion engine's modules, the worker and the dispatcher's API on this machine. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = "Times the diffusion engine's modules, a worker and the dispatcher's API on this machine.",
        subcommands = {
            UNetBenchCommand.class,
            PipelineBenchCommand.class,
            WorkerBenchCommand.class,
            ModelBenchCommand.class,
            ApiBenchCommand.class,
            TrainBenchCommand.class
        })
public final class BenchCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: unet, pipeline, worker, model or api");
    }
}
