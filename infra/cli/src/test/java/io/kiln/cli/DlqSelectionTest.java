package io.kiln.cli;

import static io.kiln.cli.DlqRecordTest.header;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.cli.DlqSelection.Position;
import io.kiln.contracts.Headers;
import java.util.List;
import org.junit.jupiter.api.Test;

class DlqSelectionTest {

    // job-1 failed twice (replayed in between), on partition 1; job-2 once, on partition 0
    private final List<DlqRecord> topic =
            List.of(deadLetter(1, 0, "job-1"), deadLetter(1, 5, "job-1"), deadLetter(0, 2, "job-2"));

    @Test
    void allIsEveryDeadLetterInTopicOrder() {
        assertThat(new DlqSelection.All().resolve(topic))
                .extracting(DlqRecord::position)
                .containsExactly("0:2", "1:0", "1:5");
    }

    @Test
    void aJobIdChoosesThatJobsNewestDeadLetterOnce() {
        assertThat(new DlqSelection.JobIds(List.of("job-1", "job-2", "job-1")).resolve(topic))
                .extracting(DlqRecord::position)
                .containsExactly("0:2", "1:5");
    }

    @Test
    void namesEveryJobIdThatIsNotThere() {
        assertThatThrownBy(() -> new DlqSelection.JobIds(List.of("job-1", "job-9", "job-8")).resolve(topic))
                .isInstanceOf(DlqException.class)
                .hasMessage("no dead letter for job id job-9, job-8");
    }

    @Test
    void positionsChooseThoseRecordsAndNameTheMissingOnes() {
        assertThat(new DlqSelection.Positions(List.of(new Position(1, 0), new Position(0, 2))).resolve(topic))
                .extracting(DlqRecord::position)
                .containsExactly("0:2", "1:0");
        assertThatThrownBy(() ->
                        new DlqSelection.Positions(List.of(new Position(1, 0), new Position(0, 3))).resolve(topic))
                .isInstanceOf(DlqException.class)
                .hasMessage("no dead letter at 0:3");
    }

    @Test
    void parsesPartitionColonOffset() {
        assertThat(Position.parse("2:17")).contains(new Position(2, 17));
        assertThat(Position.parse(" 0:0 ")).contains(new Position(0, 0));
        assertThat(Position.parse("2")).isEmpty();
        assertThat(Position.parse("a:1")).isEmpty();
        assertThat(Position.parse("1:2:3")).isEmpty();
        assertThat(Position.parse("99999999999:1")).as("beyond an int").isEmpty();
    }

    private static DlqRecord deadLetter(int partition, long offset, String jobId) {
        return new DlqRecord(
                partition, offset, jobId.getBytes(UTF_8), "{}".getBytes(UTF_8), List.of(header(Headers.JOB_ID, jobId)));
    }
}
