package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.IllegalFormatException;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;

class KilnTest {

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    @Test
    void helpListsTheCommands() {
        int exitCode = run("--help");

        assertThat(exitCode).isZero();
        assertThat(out.toString()).contains("Usage: kiln", "infra", "validate", "check-model", "tokenize", "bench");
    }

    @Test
    void infraUpHelpDocumentsTheDefaultPortsAndTheFolder() {
        int exitCode = run("infra", "up", "--help");

        assertThat(exitCode).isZero();
        assertThat(out.toString()).contains("--kafka-port=PORT", "default: 9092", "default: 9000", "--dir=DIR");
    }

    @Test
    void versionComesFromTheBuild() {
        int exitCode = run("--version");

        assertThat(exitCode).isZero();
        assertThat(out.toString()).startsWith("Kiln ").doesNotContain("${").doesNotContain("unknown");
    }

    @Test
    void aMissingCommandIsAUsageError() {
        int exitCode = run();

        assertThat(exitCode).isEqualTo(CommandLine.ExitCode.USAGE);
        assertThat(err.toString()).contains("Missing command");
    }

    @Test
    void aFailingCommandPrintsItsMessageWithoutAStackTrace() {
        // a port number no server can listen on fails before anything starts
        int exitCode = run("infra", "up", "--dir", "target/kiln-infra/never-started", "--kafka-port", "70000");

        assertThat(exitCode).isEqualTo(Kiln.FAILED);
        assertThat(err.toString())
                .startsWith("kiln: port must be between 0 (any free port) and 65535, was 70000")
                .doesNotContain("\tat ");
    }

    @Test
    void everyHelpTextIsAValidFormatString() {
        // picocli passes help text through String.format; a lone "%" makes it warn and print the text unformatted
        List<String> broken = new ArrayList<>();
        collectUnformattable(Kiln.commandLine().getCommandSpec(), broken);

        assertThat(broken).isEmpty();
    }

    private static void collectUnformattable(CommandSpec command, List<String> broken) {
        var usage = command.usageMessage();
        Stream<String> lines =
                Stream.of(usage.header(), usage.description(), usage.footer()).flatMap(Stream::of);
        Stream<String> arguments =
                command.args().stream().map(ArgSpec::description).flatMap(Stream::of);
        Stream.concat(lines, arguments).forEach(line -> {
            try {
                String.format(line);
            } catch (IllegalFormatException e) {
                broken.add(command.qualifiedName() + ": " + line);
            }
        });
        command.subcommands().values().forEach(sub -> collectUnformattable(sub.getCommandSpec(), broken));
    }

    private int run(String... args) {
        CommandLine commandLine = Kiln.commandLine();
        commandLine.setOut(new PrintWriter(out, true));
        commandLine.setErr(new PrintWriter(err, true));
        return commandLine.execute(args);
    }
}
