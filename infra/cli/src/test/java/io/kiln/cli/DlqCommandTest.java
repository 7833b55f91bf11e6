package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Argument errors of {@code kiln dlq}: all caught before any connection, so no broker is needed. */
class DlqCommandTest {

    // nothing listens here; an argument error must be reported before a client would try
    private static final String NO_BROKER = "127.0.0.1:1";

    static Stream<Arguments> badArguments() {
        return Stream.of(
                Arguments.of(new String[] {"dlq"}, "Missing command: list or replay"),
                Arguments.of(new String[] {"dlq", "list"}, "Missing required option: '--bootstrap=HOST:PORT'"),
                Arguments.of(
                        new String[] {"dlq", "list", "--bootstrap", "localhost"},
                        "--bootstrap: 'localhost' is not HOST:PORT"),
                Arguments.of(
                        new String[] {"dlq", "list", "--bootstrap", "127.0.0.1:9092,"},
                        "--bootstrap: '' is not HOST:PORT"),
                Arguments.of(
                        new String[] {"dlq", "list", "--bootstrap", "127.0.0.1:99999"},
                        "--bootstrap: port must be between 1 and 65535, was 99999 in '127.0.0.1:99999'"),
                Arguments.of(
                        new String[] {"dlq", "list", "--bootstrap", NO_BROKER, "--topic", "dead letters"},
                        "--topic: 'dead letters' is not a Kafka topic name (1 to 249 of A-Z a-z 0-9 . _ -)"),
                Arguments.of(
                        new String[] {"dlq", "list", "--bootstrap", NO_BROKER, "--limit", "0"},
                        "--limit: must be at least 1, was 0"),
                Arguments.of(
                        new String[] {"dlq", "list", "--bootstrap", NO_BROKER, "--limit", "many"},
                        "Invalid value for option '--limit': 'many' is not an int"),
                Arguments.of(
                        new String[] {"dlq", "replay", "--bootstrap", NO_BROKER},
                        "Missing required argument (specify one of these): (--job-id=ID..."),
                Arguments.of(
                        new String[] {"dlq", "replay", "--bootstrap", NO_BROKER, "--all", "--job-id", "job-1"},
                        "mutually exclusive"),
                Arguments.of(
                        new String[] {"dlq", "replay", "--bootstrap", NO_BROKER, "--offset", "0-42"},
                        "Invalid value for option '--offset' at index 0 (PARTITION:OFFSET): '0-42' is not"
                                + " PARTITION:OFFSET, such as 0:42"),
                Arguments.of(
                        new String[] {"dlq", "replay", "--bootstrap", NO_BROKER, "--offset", "-1:42"},
                        "'-1:42' is not PARTITION:OFFSET"),
                Arguments.of(
                        new String[] {"dlq", "replay", "--bootstrap", NO_BROKER, "--offset", "0:99999999999999999999"},
                        "'0:99999999999999999999' is not PARTITION:OFFSET"),
                Arguments.of(
                        new String[] {"dlq", "replay", "--bootstrap", "kafka", "--all", "--dry-run"},
                        "--bootstrap: 'kafka' is not HOST:PORT"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("badArguments")
    void rejectsBadArgumentsWithTheReasonAndExit2(String[] args, String reason) {
        CommandRun run = CommandRun.of(args);

        assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
        assertThat(run.err()).contains(reason).doesNotContain("\tat ");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void takesSeveralJobIdsAfterOneOptionOrRepeated() {
        // both parse: the command gets as far as checking --bootstrap, which it does after parsing
        CommandRun spread = CommandRun.of("dlq", "replay", "--bootstrap", "::1", "--job-id", "a", "b");
        CommandRun repeated = CommandRun.of("dlq", "replay", "--bootstrap", "::1", "--job-id", "a", "--job-id", "b");

        assertThat(spread.err()).contains("--bootstrap: '::1' is not HOST:PORT");
        assertThat(repeated.err()).contains("--bootstrap: '::1' is not HOST:PORT");
    }

    @Test
    void helpDocumentsTheDefaultTopicAndTheExitCodes() {
        CommandRun list = CommandRun.of("dlq", "list", "--help");
        CommandRun replay = CommandRun.of("dlq", "replay", "--help");

        assertThat(list.exitCode()).isZero();
        assertThat(list.out()).contains("--bootstrap=HOST:PORT", "default: kiln.jobs.v1.DLT", "--limit=N", "--json");
        assertThat(replay.exitCode()).isZero();
        assertThat(replay.out())
                .contains("--job-id=ID", "--offset=PARTITION:OFFSET", "--all", "--dry-run", "Exit codes:");
    }

    @Test
    void isListedAmongKilnsCommands() {
        assertThat(CommandRun.of("--help").out()).contains("dlq");
    }
}
