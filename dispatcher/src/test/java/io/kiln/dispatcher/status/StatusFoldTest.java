package io.kiln.dispatcher.status;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.contracts.JobStatus;
import io.kiln.contracts.JobUpdate;
import java.net.URI;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StatusFoldTest {
    /** Shows stored images as they are, without a URL. */
    private static final java.util.function.Function<StoredImage, JobStatus.Image> NO_URL =
            image -> image.linked(null, null);

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

    private static StoredStatus queued() {
        return StatusFold.accepted(JOB, BY_ANA, null);
    }

    private static StoredStatus running() {
        return fold(queued(), event(STARTED, new JobEvent.Started("sd", "gpu-0", 1)));
    }

    @Test
    void acceptanceQueuesTheJobForItsKey() {
        StoredStatus status = queued();
        assertThat(status.state()).isEqualTo(JobStatus.Status.QUEUED);
        assertThat(status.isOwnedBy("ana")).isTrue();
        assertThat(status.isOwnedBy("bo")).isFalse();
        assertThat(status.view(NO_URL).acceptedAt()).isEqualTo(ACCEPTED);
        assertThat(status.updatesAfter(0, NO_URL)).containsExactly(JobUpdate.queued(JOB, 1, ACCEPTED));
    }

    @Test
    void theFirstAcceptanceWinsWhenTheJobIdIsWrittenTwice() {
        StoredStatus first = queued();
        StoredStatus second = StatusFold.accepted(JOB, new AcceptedJob("bo", "b".repeat(64), STARTED), first);
        assertThat(second).isEqualTo(first);
    }

    @Test
    void eventsRunTheJobToTheEndAndNumberTheStream() {
        StoredStatus status = running();
        assertThat(status.state()).isEqualTo(JobStatus.Status.RUNNING);
        assertThat(status.view(NO_URL).startedAt()).isEqualTo(STARTED);

        status = fold(status, event(STARTED.plusSeconds(1), new JobEvent.Progress(10, 50)));
        assertThat(status.view(NO_URL).progress()).isEqualTo(new JobStatus.Progress(10, 50));
        assertThat(status.view(NO_URL).startedAt()).isEqualTo(STARTED);

        status = fold(status, event(FINISHED, new JobEvent.Cancelled("by the client")));
        assertThat(status.state()).isEqualTo(JobStatus.Status.CANCELLED);
        assertThat(status.view(NO_URL).finishedAt()).isEqualTo(FINISHED);
        assertThat(status.isOwnedBy("ana")).isTrue();
        assertThat(status.updatesAfter(0, NO_URL))
                .extracting(JobUpdate::sequence, JobUpdate::event)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple(1L, JobUpdate.Kind.QUEUED),
                        org.assertj.core.groups.Tuple.tuple(2L, JobUpdate.Kind.STARTED),
                        org.assertj.core.groups.Tuple.tuple(3L, JobUpdate.Kind.PROGRESS),
                        org.assertj.core.groups.Tuple.tuple(4L, JobUpdate.Kind.CANCELLED));
        assertThat(status.updatesAfter(2, NO_URL))
                .extracting(JobUpdate::sequence)
                .containsExactly(3L, 4L);
        assertThat(status.updatesAfter(0, NO_URL).getLast().reason()).isEqualTo("by the client");
    }

    @Test
    void aFinalStateIsNeverLeftByLateEvents() {
        StoredStatus failed =
                fold(queued(), event(FINISHED, new JobEvent.Failed(ErrorCode.EXPIRED, "deadline passed", false, 1)));
        assertThat(failed.view(NO_URL).error())
                .isEqualTo(new JobStatus.Error(ErrorCode.EXPIRED, "deadline passed", false));
        assertThat(failed.state()).isEqualTo(JobStatus.Status.FAILED);

        StoredStatus late = fold(failed, event(FINISHED.plusSeconds(1), new JobEvent.Progress(2, 50)));
        assertThat(late).isEqualTo(failed);
    }

    @Test
    void aFailureThatLeftADeadLetterEndsDeadLettered() {
        var failed =
                new JobEvent.Failed(ErrorCode.INVALID_REQUEST, "width: must be a multiple of 8", false, 1, "t.DLT");
        StoredStatus status = fold(queued(), event(FINISHED, failed));
        assertThat(status.state()).isEqualTo(JobStatus.Status.DEAD_LETTERED);
        assertThat(status.state().isFinal()).isTrue();
        assertThat(status.view(NO_URL).error().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(status.updatesAfter(1, NO_URL)).singleElement().satisfies(update -> {
            assertThat(update.event()).isEqualTo(JobUpdate.Kind.DEAD_LETTERED);
            assertThat(update.isFinal()).isTrue();
        });
    }

    @Test
    void anAcceptanceReadAfterTheFirstEventsKeepsTheirState() {
        StoredStatus running = fold(null, event(STARTED, new JobEvent.Started("sd", "gpu-0", 1)));
        assertThat(running.isOwnedBy("ana")).isFalse();

        StoredStatus status = StatusFold.accepted(JOB, BY_ANA, running);
        assertThat(status.state()).isEqualTo(JobStatus.Status.RUNNING);
        assertThat(status.isOwnedBy("ana")).isTrue();
        assertThat(status.view(NO_URL).acceptedAt()).isEqualTo(ACCEPTED);
        assertThat(status.view(NO_URL).startedAt()).isEqualTo(STARTED);

        StoredStatus succeeded = fold(
                StatusFold.accepted(JOB, BY_ANA, fold(null, event(FINISHED, new JobEvent.Cancelled("by the client")))),
                event(FINISHED.plusSeconds(1), new JobEvent.Started("sd", "gpu-0", 1)));
        assertThat(succeeded.state())
                .as("queued, read last, does not reopen a final job")
                .isEqualTo(JobStatus.Status.CANCELLED);
    }

    @Test
    void anEventReadTwiceIsFoldedOnce() {
        JobEventEnvelope started = event(STARTED, new JobEvent.Started("sd", "gpu-0", 1));
        StoredStatus status =
                fold(fold(queued(), started), event(STARTED.plusSeconds(1), new JobEvent.Progress(5, 50)));

        StoredStatus replayed = fold(status, started);
        assertThat(replayed).as("a replayed start does not reset the progress").isEqualTo(status);
    }

    @Test
    void progressReplacesTheRunsPreviousProgressAndNeverGoesBack() {
        StoredStatus status = fold(running(), event(STARTED.plusSeconds(1), new JobEvent.Progress(1, 50)));
        status = fold(status, event(STARTED.plusSeconds(2), new JobEvent.Progress(2, 50)));
        assertThat(status.updatesAfter(0, NO_URL))
                .extracting(JobUpdate::event)
                .containsExactly(JobUpdate.Kind.QUEUED, JobUpdate.Kind.STARTED, JobUpdate.Kind.PROGRESS);
        assertThat(status.updatesAfter(0, NO_URL).getLast().sequence())
                .as("a stream resumed after step 1 still gets step 2")
                .isEqualTo(4);

        StoredStatus late = fold(status, event(STARTED.plusSeconds(1), new JobEvent.Progress(1, 50)));
        assertThat(late).isEqualTo(status);
    }

    @Test
    void aRetrysStartClearsTheProgressButKeepsTheFirstStart() {
        StoredStatus status = fold(running(), event(STARTED.plusSeconds(1), new JobEvent.Progress(10, 50)));
        StoredStatus retried = fold(status, event(STARTED.plusSeconds(30), new JobEvent.Started("sd", "gpu-1", 2)));
        assertThat(retried.view(NO_URL).progress()).isNull();
        assertThat(retried.view(NO_URL).startedAt()).isEqualTo(STARTED);
        assertThat(retried.updatesAfter(3, NO_URL))
                .singleElement()
                .extracting(JobUpdate::attempt)
                .isEqualTo(2);

        StoredStatus again = fold(retried, event(STARTED.plusSeconds(31), new JobEvent.Progress(1, 50)));
        assertThat(again.view(NO_URL).progress()).isEqualTo(new JobStatus.Progress(1, 50));
    }

    @Test
    void theStoredStatusSurvivesItsSerde() {
        var serde = JsonSerde.of(StoredStatus.class);
        StoredStatus status = fold(running(), event(STARTED.plusSeconds(1), new JobEvent.Progress(10, 50)));
        byte[] bytes = serde.serializer().serialize("t", status);
        assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(status);
    }
}
