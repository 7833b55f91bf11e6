package io.kiln.cli;

import io.kiln.contracts.Headers;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import tools.jackson.databind.json.JsonMapper;

/** {@code kiln dlq list}: every dead letter on the topic, one line each. */
@Command(
        name = "list",
        mixinStandardHelpOptions = true,
        description = {
            "Prints the dead letters on the topic, from its beginning to its end as of now, one line each in topic"
                    + " order: PARTITION:OFFSET (what replay --offset takes), the job id, the attempts made, when the"
                    + " last one failed, where the request was first consumed, the exception, and the request's first"
                    + " " + DlqRecord.PREVIEW_CHARACTERS + " characters.",
            "Only committed records are read (isolation.level=read_committed)."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:listed, or no dead letters",
            "1:the topic does not exist, or Kafka failed",
            "2:invalid arguments"
        })
public final class DlqListCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private DlqTopicOptions kafka;

    @Option(
            names = "--limit",
            paramLabel = "N",
            description = "Print only the first N dead letters in topic order (default: all).")
    private Integer limit;

    @Option(
            names = "--json",
            description = "One JSON object per line instead of text, for scripts; summaries go to stderr.")
    private boolean json;

    @Override
    public Integer call() {
        String bootstrapServers = kafka.bootstrapServers();
        String topic = kafka.topic();
        if (limit != null && limit < 1) {
            throw kafka.invalid("--limit: must be at least 1, was " + limit);
        }
        List<DlqRecord> deadLetters;
        try (DlqReader reader = new DlqReader(bootstrapServers)) {
            deadLetters = reader.readAll(topic);
        }
        PrintWriter out = spec.commandLine().getOut();
        // --json keeps stdout to JSON lines, so that jq reads it whole
        PrintWriter summary = json ? spec.commandLine().getErr() : out;
        if (deadLetters.isEmpty()) {
            summary.println("no dead letters in " + topic);
            return 0;
        }
        List<DlqRecord> shown =
                limit == null ? deadLetters : deadLetters.subList(0, Math.min(limit, deadLetters.size()));
        if (shown.size() < deadLetters.size()) {
            summary.println(
                    DlqCommand.count(deadLetters.size()) + " in " + topic + ", showing the first " + shown.size());
        } else if (!json) {
            summary.println(DlqCommand.count(deadLetters.size()) + " in " + topic);
        }
        for (DlqRecord deadLetter : shown) {
            out.println(
                    json ? JsonMapper.shared().writeValueAsString(jsonObject(topic, deadLetter)) : line(deadLetter));
        }
        return 0;
    }

    /**
     * {@code 0:3 job=… attempts=4 failed-at=… original=kiln.jobs.v1/1:17 exception=Class: message value=…}, with
     * {@code -} for a missing header.
     */
    static String line(DlqRecord deadLetter) {
        String exception = deadLetter
                .header(Headers.EXCEPTION_CLASS)
                .map(type -> type
                        + deadLetter
                                .header(Headers.EXCEPTION_MESSAGE)
                                .map(m -> ": " + m)
                                .orElse(""))
                .or(() -> deadLetter.header(Headers.EXCEPTION_MESSAGE))
                .orElse("-");
        return deadLetter.position()
                + " job=" + printable(deadLetter.jobId())
                + " attempts=" + printable(deadLetter.header(Headers.ATTEMPT))
                + " failed-at=" + printable(deadLetter.header(Headers.FAILED_AT))
                + " original=" + printable(deadLetter.header(Headers.ORIGINAL_TOPIC))
                + "/" + printable(deadLetter.header(Headers.ORIGINAL_PARTITION))
                + ":" + printable(deadLetter.header(Headers.ORIGINAL_OFFSET))
                + " exception=" + DlqRecord.printable(exception)
                + " value=" + deadLetter.valuePreview();
    }

    /** The same as {@link #line} as JSON members; absent headers are {@code null}, numbers numbers where they parse. */
    static Map<String, Object> jsonObject(String topic, DlqRecord deadLetter) {
        Map<String, Object> object = new LinkedHashMap<>();
        object.put("topic", topic);
        object.put("partition", deadLetter.partition());
        object.put("offset", deadLetter.offset());
        object.put("job_id", deadLetter.jobId().orElse(null));
        object.put("attempts", number(deadLetter.header(Headers.ATTEMPT)));
        object.put("failed_at", deadLetter.header(Headers.FAILED_AT).orElse(null));
        object.put("original_topic", deadLetter.header(Headers.ORIGINAL_TOPIC).orElse(null));
        object.put("original_partition", number(deadLetter.header(Headers.ORIGINAL_PARTITION)));
        object.put("original_offset", number(deadLetter.header(Headers.ORIGINAL_OFFSET)));
        object.put("exception_class", deadLetter.header(Headers.EXCEPTION_CLASS).orElse(null));
        object.put(
                "exception_message",
                deadLetter.header(Headers.EXCEPTION_MESSAGE).orElse(null));
        object.put("value_bytes", deadLetter.value() == null ? null : deadLetter.value().length);
        object.put("value_preview", deadLetter.valuePreview());
        return object;
    }

    private static String printable(Optional<String> header) {
        return header.map(DlqRecord::printable).orElse("-");
    }

    // A malformed header stays visible as the text it is.
    private static Object number(Optional<String> header) {
        return header.<Object>map(text -> {
                    try {
                        return Long.parseLong(text.strip());
                    } catch (NumberFormatException e) {
                        return text;
                    }
                })
                .orElse(null);
    }
}
