package io.kiln.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** The {@code kiln} command line: the entry point of the {@code ./kiln} script. */
@Command(
        name = "kiln",
        // -h and -V for every command below too
        scope = ScopeType.INHERIT,
        mixinStandardHelpOptions = true,
        versionProvider = KilnVersion.class,
        description =
                "Kiln, a message-driven Stable Diffusion cluster: local runs, servers, model checks and benchmarks.",
        subcommands = {
            InfraCommand.class,
            LocalCommand.class,
            DemoCommand.class,
            ValidateCommand.class,
            CheckModelCommand.class,
            GenerateCommand.class,
            EvalShapesCommand.class,
            TrainCommand.class,
            TokenizeCommand.class,
            BenchCommand.class,
            DlqCommand.class,
            WorkerCommand.class,
            SoakCommand.class,
            CommandLine.HelpCommand.class
        })
public final class Kiln implements Runnable {

    /** The exit status of a command that failed for a reason other than its arguments. */
    static final int FAILED = 1;

    @Spec
    private CommandSpec spec;

    public static void main(String[] args) {
        // Kiln never downloads a model or an engine: DJL must find libtorch in its Maven Central jar or fail.
        System.setProperty("ai.djl.offline", System.getProperty("ai.djl.offline", "true"));
        System.exit(commandLine().execute(args));
    }

    /** The command line with Kiln's error handling: a failure prints its message, not a stack trace. */
    static CommandLine commandLine() {
        return new CommandLine(new Kiln()).setExecutionExceptionHandler((exception, commandLine, parseResult) -> {
            commandLine.getErr().println("kiln: " + exception.getMessage());
            return FAILED;
        });
    }

    @Override
    public void run() {
        throw new ParameterException(
                spec.commandLine(),
                "Missing command: infra, local, demo, validate, generate, eval-shapes, check-model, tokenize, train, bench, worker or dlq");
    }
}
