package io.kiln.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code kiln local [down]}: the whole cluster on this machine, for development and demos. */
@Command(
        name = "local",
        description = {
            "Runs Kiln on this machine: a real Kafka broker and S3 server, the dispatcher and --workers workers, each"
                    + " its own JVM, all on 127.0.0.1. Prints the API's address and a development API key.",
            "Everything lives under --dir: the servers' data, the dispatcher's state, the API key (api-key), pid"
                    + " files (pids/) and logs (logs/). A restart over the same folder keeps the jobs, their status,"
                    + " their images and the key.",
            "Without --detach it runs until Ctrl-C, which stops the workers, then the dispatcher, then the servers."
        })
public final class LocalCommand implements Callable<Integer> {
    /** Where a local cluster keeps everything unless told otherwise; kiln demo looks there too. */
    static final String DEFAULT_DIR = ".kiln/local";

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--dir",
            scope = ScopeType.INHERIT,
            defaultValue = DEFAULT_DIR,
            paramLabel = "DIR",
            description = "The cluster's folder, relative to the working directory (default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Option(
            names = "--workers",
            defaultValue = "2",
            paramLabel = "N",
            description = "Worker JVMs, each serving the model (default: ${DEFAULT-VALUE}).")
    private int workers;

    @Option(
            names = "--model",
            paramLabel = "PATH",
            description = "The diffusers folder the workers serve. Default: models/kiln-shapes when the working"
                    + " directory has it, else a model with random weights (noise images) written into DIR.")
    private Path model;

    @Option(
            names = "--port",
            defaultValue = "8080",
            paramLabel = "PORT",
            description = "The API's port on 127.0.0.1; 0 for any free port (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(
            names = "--detach",
            description = "Return once the API and the workers are ready, leaving the cluster running; stop it with"
                    + " kiln local down.")
    private boolean detach;

    @Override
    public Integer call() throws InterruptedException {
        LocalClusterConfig config;
        try {
            config = new LocalClusterConfig(dir, workers, Optional.ofNullable(model), port);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        var cluster = new LocalCluster(config, out::println);
        CountDownLatch stopped = new CountDownLatch(1);
        // Ctrl-C, also during the start: the children ignore it (LocalProcesses), so they are stopped here, in order
        Thread stopOnExit = new Thread(() -> stopAndReport(cluster, stopped), "kiln-local-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        LocalCluster.Started started;
        try {
            started = cluster.start();
        } catch (RuntimeException | InterruptedException e) {
            // the failed start stopped what it had started
            forget(stopOnExit);
            throw e;
        }
        printAccess(started, config);
        if (detach) {
            forget(stopOnExit);
            out.println("Stop it with: kiln local down --dir " + config.dir());
            return ExitCode.OK;
        }
        out.println("Ctrl-C stops it.");
        reportUnexpectedExits(cluster, started);
        // until Ctrl-C or SIGTERM: the shutdown hook stops the cluster, then lets this thread end
        stopped.await();
        return ExitCode.OK;
    }

    @Command(
            name = "down",
            description = "Stops the cluster that kiln local --detach started from DIR: the workers (SIGTERM, SIGKILL"
                    + " after 30 s), the dispatcher, then Kafka and S3. A pid is signalled only while its process"
                    + " still carries DIR's marker, never one that got the pid since.")
    int down() {
        printStopped(LocalCluster.down(dir));
        return ExitCode.OK;
    }

    private static void forget(Thread shutdownHook) {
        try {
            Runtime.getRuntime().removeShutdownHook(shutdownHook);
        } catch (IllegalStateException e) {
            // the JVM is already shutting down, and the hook stops whatever runs
        }
    }

    private void stopAndReport(LocalCluster cluster, CountDownLatch stopped) {
        PrintWriter out = spec.commandLine().getOut();
        out.println("Stopping...");
        try {
            printStopped(cluster.stop());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            stopped.countDown();
        }
    }

    private void printAccess(LocalCluster.Started started, LocalClusterConfig config) {
        PrintWriter out = spec.commandLine().getOut();
        out.println();
        out.printf(
                "Kiln runs: %d worker(s) serving %s, %d job partitions%n",
                started.workers().size(), started.model().name(), started.partitions());
        if (started.partitions() < started.workers().size()) {
            out.printf(
                    "Note     the job topic kept its %d partitions from an earlier start: %d worker(s) stay idle%n",
                    started.partitions(), started.workers().size() - started.partitions());
        }
        out.println("API      " + started.api());
        out.println(
                "API key  " + started.key().key() + " (in " + config.dir().resolve(LocalCluster.API_KEY_FILE) + ")");
        out.println("Logs     " + config.dir().resolve("logs") + ", pids "
                + config.dir().resolve("pids"));
        out.printf(
                "Try      curl -H \"Authorization: Bearer $(cat %s)\" -H 'Content-Type: application/json'"
                        + " -d '{\"prompt\": \"a red fox\"}' %s/v1/jobs%n",
                config.dir().resolve(LocalCluster.API_KEY_FILE), started.api());
    }

    private void printStopped(List<LocalCluster.Stopped> stopped) {
        PrintWriter out = spec.commandLine().getOut();
        for (LocalCluster.Stopped part : stopped) {
            out.printf(
                    "%-10s %s%n",
                    part.name(),
                    part.pid().map(pid -> "stopped (pid " + pid + ")").orElse("was not running"));
        }
    }

    /** A worker or the dispatcher dying on its own is said at once, with where its log is. */
    private void reportUnexpectedExits(LocalCluster cluster, LocalCluster.Started started) {
        PrintWriter err = spec.commandLine().getErr();
        List<LocalProcesses.Child> children = new ArrayList<>(started.workers());
        children.add(started.dispatcher());
        for (LocalProcesses.Child child : children) {
            child.process().onExit().thenAccept(process -> {
                if (!cluster.stopping()) {
                    err.println(child.failure("exited with code " + process.exitValue())
                            .getMessage());
                }
            });
        }
    }
}
