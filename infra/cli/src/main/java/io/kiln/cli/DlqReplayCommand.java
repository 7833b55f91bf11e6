package io.kiln.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code kiln dlq replay}: chosen dead letters back to their original topic, as first attempts. */
@Command(
        name = "replay",
        mixinStandardHelpOptions = true,
        description = {
            "Sends the chosen dead letters back to their original topic (header kiln-original-topic, else"
                    + " kiln.jobs.v1) with key and value unchanged, kiln-attempt reset to 1, the kiln-exception-*,"
                    + " kiln-failed-at and kiln-not-before headers dropped, and every other header kept, kiln-job-id"
                    + " and the kiln-original-* trail included.",
            "Every choice is looked up before anything is sent: if one is not on the topic, nothing is. Then it waits"
                    + " until the broker has acknowledged every record (acks=all, idempotent).",
            "The dead letters stay on the topic: replaying one twice runs its job twice."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:replayed, or would be with --dry-run",
            "1:a choice or a topic is not there, or Kafka failed; nothing is sent unless the message says so",
            "2:invalid arguments"
        })
public final class DlqReplayCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private DlqTopicOptions kafka;

    @ArgGroup(exclusive = true, multiplicity = "1")
    private Choice choice;

    @Option(names = "--dry-run", description = "Print what would be sent, and send nothing.")
    private boolean dryRun;

    /** Exactly one way of choosing. */
    static final class Choice {
        @Option(
                names = "--job-id",
                arity = "1..*",
                paramLabel = "ID",
                description = "The newest dead letter of each of these jobs.")
        private List<String> jobIds;

        @Option(
                names = "--offset",
                arity = "1..*",
                paramLabel = "PARTITION:OFFSET",
                converter = PositionConverter.class,
                description = "The dead letters at these positions on the topic, as list prints them.")
        private List<DlqSelection.Position> positions;

        @Option(names = "--all", description = "Every dead letter on the topic.")
        private boolean all;

        DlqSelection selection() {
            if (jobIds != null) {
                return new DlqSelection.JobIds(jobIds);
            }
            if (positions != null) {
                return new DlqSelection.Positions(positions);
            }
            return new DlqSelection.All();
        }
    }

    /** {@code 0:42} to a position; anything else is a usage error. */
    static final class PositionConverter implements ITypeConverter<DlqSelection.Position> {
        @Override
        public DlqSelection.Position convert(String value) {
            return DlqSelection.Position.parse(value)
                    .orElseThrow(
                            () -> new TypeConversionException("'" + value + "' is not PARTITION:OFFSET, such as 0:42"));
        }
    }

    @Override
    public Integer call() {
        String bootstrapServers = kafka.bootstrapServers();
        String topic = kafka.topic();
        PrintWriter out = spec.commandLine().getOut();

        // 1. Resolve every choice, and check every target topic, before sending anything.
        List<DlqReplay> replays;
        try (DlqReader reader = new DlqReader(bootstrapServers)) {
            List<DlqRecord> deadLetters = reader.readAll(topic);
            List<DlqRecord> chosen;
            try {
                chosen = choice.selection().resolve(deadLetters);
            } catch (DlqException e) {
                throw new DlqException(e.getMessage() + " in " + topic + "; nothing replayed", e);
            }
            replays = chosen.stream().map(DlqReplay::of).toList();
            List<String> missingTopics = replays.stream()
                    .map(DlqReplay::topic)
                    .distinct()
                    .filter(target -> !reader.exists(target))
                    .toList();
            if (!missingTopics.isEmpty()) {
                throw new DlqException("original topic " + String.join(", ", missingTopics) + " does not exist on "
                        + bootstrapServers + "; nothing replayed");
            }
        }
        if (replays.isEmpty()) {
            out.println("no dead letters in " + topic + "; nothing to replay");
            return 0;
        }

        // 2. Say what would be sent, or send it and wait for every acknowledgement.
        if (dryRun) {
            out.println(
                    "would replay " + DlqCommand.count(replays.size()) + " from " + topic + " (dry run: nothing sent)");
            replays.forEach(replay -> out.println(plan(replay)));
            return 0;
        }
        List<DlqReplayer.Sent> sent;
        try (DlqReplayer replayer = new DlqReplayer(bootstrapServers)) {
            sent = replayer.send(replays);
        }
        out.println("replayed " + DlqCommand.count(sent.size()) + " from " + topic);
        for (DlqReplayer.Sent record : sent) {
            out.println(DlqRecord.printable(record.replay().jobId()) + " "
                    + record.replay().source().position() + " -> "
                    + record.replay().topic() + " " + record.partition() + ":" + record.offset());
        }
        return 0;
    }

    /** {@code job-1 0:3 -> kiln.jobs.v1 headers kiln-job-id=job-1, kiln-attempt=1 value …}: what would be sent. */
    private static String plan(DlqReplay replay) {
        String headers = replay.headers().stream()
                .map(header -> DlqRecord.printable(header.key()) + "=" + DlqRecord.preview(header.value()))
                .collect(Collectors.joining(", "));
        return DlqRecord.printable(replay.jobId()) + " " + replay.source().position() + " -> " + replay.topic()
                + " headers " + headers + " value " + replay.source().valuePreview();
    }
}
