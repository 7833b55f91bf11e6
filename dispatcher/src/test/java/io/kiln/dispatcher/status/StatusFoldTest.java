package io.kiln.dispatcher.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.contracts.JobStatus;
import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusFoldTest {
    private static final String JOB = "job-1";
    private static final Instant ACCEPTED = Instant.parse("2026-05-01T12:00:00Z");
    private static final Instant STARTED = Instant.parse("2026-05-01T12:00:02Z");
    private static final Instant FINISHED = Instant.parse("2026-05-01T12:00:07Z");
    private static final AcceptedJob BY_ANA = new AcceptedJob("ana", "a".repeat(64), ACCEPTED);

    private static JobEventEnvelope event(Instant time, JobEvent data) {
        return JobEventEnvelope.of(URI.create("/kiln/workers/gpu-0"), JOB, time, data);
    }

    private static StoredStatus fold(StoredStatus status, JobEventEnvelope event) {
        return StatusFold.event(JOB, event, status);
    }

    @Test
    void acceptanceQueuesTheJobForItsKey() {
        StoredStatus status = StatusFold.accepted(JOB, BY_ANA, null);
        assertThat(status.state()).isEqualTo(JobStatus.Status.QUEUED);
        assertThat(status.isOwnedBy("ana")).isTrue();
        assertThat(status.isOwnedBy("bo")).isFalse();
        assertThat(status.acceptedAt()).isEqualTo(ACCEPTED);
    }

    @Test
    void theFirstAcceptanceWinsWhenTheJobIdIsWrittenTwice() {
        StoredStatus first = StatusFold.accepted(JOB, BY_ANA, null);
        StoredStatus second = StatusFold.accepted(JOB, new AcceptedJob("bo", "b".repeat(64), STARTED), first);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void eventsRunTheJobToSuccess() {
        StoredStatus status = StatusFold.accepted(JOB, BY_ANA, null);
        status = fold(status, event(STARTED, new JobEvent.Started("sd", "gpu-0", 1)));
        assertThat(status.state()).isEqualTo(JobStatus.Status.RUNNING);
        assertThat(status.startedAt()).isEqualTo(STARTED);

        status = fold(status, event(STARTED.plusSeconds(1), new JobEvent.Progress(10, 50)));
        assertThat(status.progress()).isEqualTo(new JobStatus.Progress(10, 50));
        assertThat(status.startedAt()).isEqualTo(STARTED);

        status = fold(status, event(FINISHED, new JobEvent.Cancelled("by the client")));
        assertThat(status.state()).isEqualTo(JobStatus.Status.CANCELLED);
        assertThat(status.finishedAt()).isEqualTo(FINISHED);
        assertThat(status.isOwnedBy("ana")).isTrue();
    }

    @Test
    void aFinalStateIsNeverLeftByLateEvents() {
        StoredStatus failed = fold(
                StatusFold.accepted(JOB, BY_ANA, null),
                event(FINISHED, new JobEvent.Failed(ErrorCode.EXPIRED, "deadline passed", false, 1)));
        assertThat(failed.error()).isEqualTo(new JobStatus.Error(ErrorCode.EXPIRED, "deadline passed", false));

        StoredStatus late = fold(failed, event(FINISHED.plusSeconds(1), new JobEvent.Progress(2, 50)));
        assertThat(late).isEqualTo(failed);
    }

    @Test
    void anAcceptanceReadAfterTheFirstEventKeepsTheEventsState() {
        StoredStatus running = fold(null, event(STARTED, new JobEvent.Started("sd", "gpu-0", 1)));
        assertThat(running.isOwnedBy("ana")).isFalse();

        StoredStatus status = StatusFold.accepted(JOB, BY_ANA, running);
        assertThat(status.state()).isEqualTo(JobStatus.Status.RUNNING);
        assertThat(status.isOwnedBy("ana")).isTrue();
        assertThat(status.acceptedAt()).isEqualTo(ACCEPTED);
        assertThat(status.startedAt()).isEqualTo(STARTED);
    }

    @Test
    void aRetrysStartClearsTheProgressButKeepsTheFirstStart() {
        StoredStatus status = fold(
                fold(StatusFold.accepted(JOB, BY_ANA, null), event(STARTED, new JobEvent.Started("sd", "gpu-0", 1))),
                event(STARTED.plusSeconds(1), new JobEvent.Progress(10, 50)));
        StoredStatus retried = fold(status, event(STARTED.plusSeconds(30), new JobEvent.Started("sd", "gpu-1", 2)));
        assertThat(retried.progress()).isNull();
        assertThat(retried.startedAt()).isEqualTo(STARTED);
    }
}
