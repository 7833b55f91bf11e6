package io.kiln.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The JSON of {@link JobStatus} and {@link JobUpdate}: their fields, and nothing derived. */
class JobStatusWireTest {
    private static final Instant T = Instant.parse("2026-05-01T12:00:00Z");

    private static List<String> names(Object value) {
        JsonNode tree = JsonCodec.mapper().valueToTree(value);
        return tree.propertyNames().stream().toList();
    }

    @Test
    void aStatusHasEveryFieldAndNoOther() {
        var status = new JobStatus("j", JobStatus.Status.QUEUED, null, List.of(), null, T, null, null);
        assertThat(names(status))
                .containsExactlyInAnyOrder(
                        "job_id", "status", "progress", "images", "error", "accepted_at", "started_at", "finished_at");
        assertThat(JsonCodec.mapper().readValue(JsonCodec.mapper().writeValueAsString(status), JobStatus.class))
                .isEqualTo(status);
    }

    @Test
    void anUpdateHasItsKindsFieldsOnly() {
        var update = JobUpdate.progress("j", 3, T, new JobStatus.Progress(2, 20));
        assertThat(names(update)).containsExactlyInAnyOrder("job_id", "sequence", "event", "time", "progress");
        assertThat(JsonCodec.mapper().readValue(JsonCodec.mapper().writeValueAsString(update), JobUpdate.class))
                .isEqualTo(update);
    }
}
