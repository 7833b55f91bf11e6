package io.kiln.contracts;

import java.time.Instant;
import java.util.Objects;
import tools.jackson.databind.PropertyNamingStrategies;
import tools.jackson.databind.annotation.JsonNaming;

/**
 * A request to cancel a job: the value of a record on {@link Topics#CONTROL} keyed by the job id. The topic is
 * compacted, so the latest command per job is kept for workers that start later; a tombstone (null value) withdraws
 * it. A worker checks for it before a job starts and between denoising steps, and the job then ends
 * {@code cancelled}.
 *
 * @param reason why, for people; carried into the {@code cancelled} event
 * @param requestedAt {@code requested_at}: when the cancel was asked for
 */
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record CancelCommand(String reason, Instant requestedAt) {
    public CancelCommand {
        Objects.requireNonNull(reason, "reason");
        Objects.requireNonNull(requestedAt, "requestedAt");
    }
}
