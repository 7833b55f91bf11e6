package io.kiln.cli;

import io.kiln.contracts.Topics;
import java.util.regex.Pattern;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code --bootstrap} and {@code --topic}, for the {@code kiln dlq} commands: which broker, which dead letters. */
final class DlqTopicOptions {
    // host:port, the host a name, an IPv4 address or a bracketed IPv6 address
    private static final Pattern SERVER = Pattern.compile("(\\[[0-9A-Fa-f:.]+]|[A-Za-z0-9._-]+):(\\d{1,5})");
    // Kafka's own rule for topic names
    private static final Pattern TOPIC = Pattern.compile("[A-Za-z0-9._-]{1,249}");

    @Spec(Spec.Target.MIXEE)
    private CommandSpec command;

    @Option(
            names = "--bootstrap",
            required = true,
            paramLabel = "HOST:PORT",
            description = "The Kafka broker, or several separated by commas, as in bootstrap.servers. For the"
                    + " broker of kiln infra up: 127.0.0.1:9092.")
    private String bootstrap;

    @Option(
            names = "--topic",
            defaultValue = Topics.JOBS_DLT,
            paramLabel = "TOPIC",
            description = "The dead-letter topic (default: ${DEFAULT-VALUE}).")
    private String topic;

    /**
     * The {@code bootstrap.servers} value.
     *
     * @throws ParameterException if an entry is not {@code HOST:PORT} with a port in 1..65535
     */
    String bootstrapServers() {
        for (String server : bootstrap.split(",", -1)) {
            var matcher = SERVER.matcher(server.strip());
            if (!matcher.matches()) {
                throw invalid("--bootstrap: '" + server.strip() + "' is not HOST:PORT");
            }
            int port = Integer.parseInt(matcher.group(2));
            if (port < 1 || port > 65535) {
                throw invalid(
                        "--bootstrap: port must be between 1 and 65535, was " + port + " in '" + server.strip() + "'");
            }
        }
        return bootstrap.strip();
    }

    /**
     * The dead-letter topic.
     *
     * @throws ParameterException if it is no legal Kafka topic name
     */
    String topic() {
        if (!TOPIC.matcher(topic).matches() || topic.equals(".") || topic.equals("..")) {
            throw invalid("--topic: '" + topic + "' is not a Kafka topic name (1 to 249 of A-Z a-z 0-9 . _ -)");
        }
        return topic;
    }

    ParameterException invalid(String message) {
        return new ParameterException(command.commandLine(), message);
    }
}
