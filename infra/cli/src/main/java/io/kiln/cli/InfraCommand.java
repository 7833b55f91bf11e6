package io.kiln.cli;

import io.kiln.infra.local.process.LocalKafka;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/** {@code kiln infra up|down|status}: a local Kafka broker and S3 server in the background, for development. */
@Command(
        name = "infra",
        description = {
            "Runs a real Kafka broker (Apache Kafka 4.3.1, KRaft) and a real S3 server (s3proxy 4.1.0) on 127.0.0.1"
                    + " in the background, for development.",
            "Their configuration, logs, pid files and data live under --dir: kafka/, s3/ (objects in s3/data/),"
                    + " and infra.properties with the addresses. Data survives down and up."
        })
public final class InfraCommand {

    /** The exit status of {@code status} when a server is not running, as LSB init scripts use it. */
    static final int NOT_RUNNING = 3;

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--dir",
            scope = ScopeType.INHERIT,
            defaultValue = ".kiln",
            paramLabel = "DIR",
            description = "Folder for state, pid files, logs and data, relative to the working directory. Default:"
                    + " ${DEFAULT-VALUE}")
    private Path dir;

    @Command(
            name = "up",
            description = {
                "Starts Kafka and S3 in the background unless they already run, then prints their addresses and S3"
                        + " keys, also as export lines for a shell.",
                "Ports are fixed so that configurations can name them; pass 0 for any free port (the chosen one"
                        + " is printed and kept in DIR/infra.properties)."
            })
    int up(
            @Option(
                            names = "--kafka-port",
                            defaultValue = "9092",
                            paramLabel = "PORT",
                            description = "Kafka's client port (default: ${DEFAULT-VALUE}).")
                    int kafkaPort,
            @Option(
                            names = "--s3-port",
                            defaultValue = "9000",
                            paramLabel = "PORT",
                            description = "The S3 server's HTTP port (default: ${DEFAULT-VALUE}).")
                    int s3Port) {
        DevInfrastructure infra = new DevInfrastructure(dir);
        DevInfrastructure.Up up = infra.up(kafkaPort, s3Port);
        PrintWriter out = out();
        if (up.alreadyUp()) {
            out.println("Already up in " + infra.folder() + ".");
        }
        for (DevInfrastructure.Running server : up.servers()) {
            String started = server.startupTime()
                    .map(time -> String.format(", started in %.1f s", time.toMillis() / 1000.0))
                    .orElse("");
            out.printf(
                    "%-5s running at %s (pid %d%s)%n",
                    server.name(), address(up.state(), server.name()), server.pid(), started);
        }
        printKeysAndExports(up.state());
        return 0;
    }

    @Command(
            name = "down",
            description = "Stops the Kafka and S3 that up started from DIR (SIGTERM, SIGKILL after 30 s), and only"
                    + " those: a pid is signalled only if its process still carries DIR's marker.")
    int down() {
        for (DevInfrastructure.Stopped server : new DevInfrastructure(dir).down()) {
            out().printf(
                            "%-5s %s%n",
                            server.name(),
                            server.pid().map(pid -> "stopped (pid " + pid + ")").orElse("was not running"));
        }
        return 0;
    }

    @Command(
            name = "status",
            description = "Says whether Kafka and S3 run, and where.",
            exitCodeListHeading = "%nExit codes:%n",
            exitCodeList = {"0:both run", "3:at least one does not"})
    int status() {
        DevInfrastructure infra = new DevInfrastructure(dir);
        Optional<InfraState> state = infra.state();
        boolean allRunning = true;
        for (DevInfrastructure.Status server : infra.status()) {
            allRunning &= server.running();
            String where = state.map(s -> " at " + address(s, server.name())).orElse("");
            out().printf(
                            "%-5s %s%n",
                            server.name(),
                            server.pid()
                                    .map(pid -> "running" + where + " (pid " + pid + ")")
                                    .orElse("stopped"));
        }
        if (allRunning && state.isPresent()) {
            printKeysAndExports(state.get());
            return 0;
        }
        return NOT_RUNNING;
    }

    private void printKeysAndExports(InfraState state) {
        PrintWriter out = out();
        out.printf(
                "S3 region %s, access key %s, secret key %s%n",
                state.s3().region(), state.s3().accessKey(), state.s3().secretKey());
        out.println();
        state.exportLines().forEach(out::println);
    }

    private static String address(InfraState state, String serverName) {
        return serverName.equals(LocalKafka.SERVER_NAME)
                ? state.kafka().bootstrapServers()
                : state.s3().endpoint().toString();
    }

    private PrintWriter out() {
        return spec.commandLine().getOut();
    }
}
