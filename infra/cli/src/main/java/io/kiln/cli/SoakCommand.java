package io.kiln.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kiln soak}: the worker fleet's fault suite, run as a benchmark is (docs/RELIABILITY.md). */
@Command(
        name = "soak",
        mixinStandardHelpOptions = true,
        description = {
            "Starts a Kafka broker, an S3 server and worker JVMs on 127.0.0.1, sends jobs for a small model it builds"
                    + " while it kills workers with SIGKILL, stops the broker, stops S3 and restarts every worker"
                    + " with SIGTERM, then sends fuzzed request records. It checks that every job ended exactly once,"
                    + " that every announced image is in S3 with its SHA-256, that no commit passed an unsettled"
                    + " record, that no worker stopped by itself, and that every fuzzed record succeeded or went to the"
                    + " dead-letter topic naming a field. Prints the figures, one line per broken promise, and"
                    + " 'result: pass' or 'result: FAIL'."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every promise kept", "1:a promise broken; the folder is kept", "2:bad arguments"})
public final class SoakCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--jobs",
            defaultValue = "1000",
            paramLabel = "N",
            description = "Jobs sent during the faults" + " (default: ${DEFAULT-VALUE}).")
    private int jobs;

    @Option(
            names = "--workers",
            defaultValue = "3",
            paramLabel = "N",
            description = "Worker JVMs" + " (default: ${DEFAULT-VALUE}).")
    private int workers;

    @Option(
            names = "--steps",
            defaultValue = "2",
            paramLabel = "N",
            description = "DDIM steps per job" + " (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(
            names = "--kills",
            defaultValue = "3",
            paramLabel = "N",
            description = "Workers killed with SIGKILL and" + " restarted (default: ${DEFAULT-VALUE}).")
    private int kills;

    @Option(
            names = "--broker-outage",
            defaultValue = "20",
            paramLabel = "SECONDS",
            description = "How long the" + " broker stays stopped; 0 for never (default: ${DEFAULT-VALUE}).")
    private int brokerOutage;

    @Option(
            names = "--storage-outage",
            defaultValue = "30",
            paramLabel = "SECONDS",
            description = "How long S3" + " stays stopped; 0 for never (default: ${DEFAULT-VALUE}).")
    private int storageOutage;

    @Option(
            names = "--fuzz",
            defaultValue = "10000",
            paramLabel = "N",
            description = "Fuzzed records sent after" + " the faults (default: ${DEFAULT-VALUE}).")
    private int fuzz;

    @Option(
            names = "--seed",
            defaultValue = "1",
            paramLabel = "N",
            description =
                    "Picks the killed workers, the" + " jobs' seeds and the mutations (default: ${DEFAULT-VALUE}).")
    private long seed;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "Folder for the model, the servers' data and the logs;"
                    + " default: a new temporary folder, deleted after a pass.")
    private Path dir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        SoakSettings settings;
        try {
            settings = new SoakSettings(
                    jobs,
                    workers,
                    steps,
                    kills,
                    Duration.ofSeconds(brokerOutage),
                    Duration.ofSeconds(storageOutage),
                    fuzz,
                    seed);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage());
        }
        Path folder = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("kiln-soak-");
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "soak: %d jobs through %d workers at %d ddim steps; %d kills, broker stopped %d s, S3 stopped %d s,"
                        + " a rolling restart; then %d fuzzed records; seed %d%n",
                jobs,
                workers,
                steps,
                kills,
                brokerOutage,
                storageOutage,
                fuzz,
                seed);
        out.println("machine: " + WorkerBenchCommand.Machine.describe());
        out.flush();
        quietClientWarnings();
        SoakReport report = new SoakRun(settings, folder.toAbsolutePath(), line -> {
                    out.println(line);
                    out.flush();
                })
                .run();
        report.print(out);
        if (!report.passed()) {
            out.println("logs kept in " + folder.toAbsolutePath());
            return 1;
        }
        if (dir == null) {
            WorkerBenchCommand.deleteQuietly(folder);
        }
        return 0;
    }

    /**
     * The soak's own Kafka clients warn at every refused connection while it keeps the broker stopped, which is the
     * point of the outage; the workers' logs keep theirs.
     */
    private static void quietClientWarnings() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.getLogger("org.apache.kafka").setLevel(Level.ERROR);
        }
    }
}
