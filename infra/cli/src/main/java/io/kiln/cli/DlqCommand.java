package io.kiln.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kiln dlq list|replay}: the requests Kiln gave up on, on the dead-letter topic. */
@Command(
        name = "dlq",
        mixinStandardHelpOptions = true,
        description = {
            "Lists the job requests Kiln gave up on (the dead-letter topic, kiln.jobs.v1.DLT) and sends chosen ones"
                    + " back to their original topic for another try.",
            "Reads without a consumer group: the workers see no trace of it."
        },
        subcommands = {DlqListCommand.class, DlqReplayCommand.class})
public final class DlqCommand implements Runnable {
    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing command: list or replay");
    }

    /** {@code 1 dead letter}, {@code 2 dead letters}. */
    static String count(int deadLetters) {
        return deadLetters + (deadLetters == 1 ? " dead letter" : " dead letters");
    }
}
