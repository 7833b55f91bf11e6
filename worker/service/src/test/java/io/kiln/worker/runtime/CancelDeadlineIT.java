package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.Topics;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Cancels and deadlines through one worker: a job cancelled before it starts, or whose deadline passed, ends without
 * computing; a job cancelled between steps stops early; a job cancelled while its batch runs ends at the next step,
 * and its batch-mates still succeed.
 *
 * <p>The jobs settled before they start are written, with their cancel, before the worker starts: the worker reads
 * the control topic to its end before it takes jobs, so the cancel is known when the job is checked.
 */
@KilnInfra
class CancelDeadlineIT {
    private static final Duration FATE = Duration.ofSeconds(90);
    private static final String CANCELLED_EARLY = "cancelled-early";
    private static final String EXPIRED = "expired";
    private static final String IN_TIME = "in-time";

    private static WorkerKit kit;
    private static EventLog events;

    @BeforeAll
    static void startWorkerAfterTheEarlyCancel(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        kit = new WorkerKit(kafka, s3);
        // the control topic as the worker would create it (compacted, with a retention), so the cancel can be
        // written before it starts
        String control = kit.config("cancel", Map.of()).topics().control();
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(control, 2, (short) 1)
                            .configs(Map.of(
                                    TopicConfig.CLEANUP_POLICY_CONFIG,
                                    TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                                    TopicConfig.RETENTION_MS_CONFIG,
                                    Long.toString(Topics.CONTROL_RETENTION.toMillis())))))
                    .all()
                    .get();
        }
        kit.cancel(CANCELLED_EARLY, "the user changed their mind");
        // one batch: a cancelled job, an expired one and one in time, of one compatibility key
        kit.submit(WorkerKit.tinyJob(CANCELLED_EARLY).build());
        kit.submit(WorkerKit.tinyJob(EXPIRED)
                .deadline(Instant.now().minus(Duration.ofMinutes(1)))
                .build());
        kit.submit(WorkerKit.tinyJob(IN_TIME)
                .deadline(Instant.now().plus(Duration.ofMinutes(30)))
                .build());
        events = kit.events();
        kit.startWorker("cancel", Map.of("KILN_BATCH_MAX_DELAY", "1s"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (kit != null) {
            kit.close();
        }
    }

    @Test
    void aJobCancelledBeforeItStartsEndsCancelledWithoutComputingAndIsCommitted() throws Exception {
        JobEvent fate = events.awaitTerminal(CANCELLED_EARLY, FATE);

        assertThat(fate).isEqualTo(new JobEvent.Cancelled("the user changed their mind"));
        assertThat(events.of(CANCELLED_EARLY))
                .as("no started, no progress: never computed")
                .containsExactly(fate);
        assertThat(kit.objectKeys("out/" + CANCELLED_EARLY + "/")).isEmpty();
        // its batch-mate in time ran and succeeded
        assertThat(events.awaitTerminal(IN_TIME, FATE)).isInstanceOf(JobEvent.Succeeded.class);
        assertCommitted(CANCELLED_EARLY);
    }

    @Test
    void aJobPastItsDeadlineFailsExpiredWithoutComputingAndOneInTimeSucceeds() throws Exception {
        JobEvent fate = events.awaitTerminal(EXPIRED, FATE);

        assertThat(fate).isInstanceOfSatisfying(JobEvent.Failed.class, failed -> {
            assertThat(failed.code()).isEqualTo(ErrorCode.EXPIRED);
            assertThat(failed.retriable()).isFalse();
            assertThat(failed.message()).contains("deadline");
            assertThat(failed.isDeadLettered()).as("nothing left to replay").isFalse();
        });
        assertThat(events.of(EXPIRED))
                .as("no started, no progress: never computed")
                .containsExactly(fate);
        assertThat(kit.objectKeys("out/" + EXPIRED + "/")).isEmpty();
        assertCommitted(EXPIRED);

        var inTime = events.awaitTerminal(IN_TIME, FATE);
        assertThat(inTime).isInstanceOf(JobEvent.Succeeded.class);
        assertThat(events.terminal(IN_TIME)).hasSize(1);
        assertThat(events.of(IN_TIME).getFirst()).isInstanceOf(JobEvent.Started.class);
        assertThat(kit.objectKeys("out/" + IN_TIME + "/"))
                .containsExactlyInAnyOrder("out/" + IN_TIME + "/0.png", "out/" + IN_TIME + "/result.json");
    }

    @Test
    void aJobCancelledBetweenStepsStopsAtTheNextStepWithoutImages() throws Exception {
        // 128×128 at 200 steps, alone in its batch: far longer than a cancel takes to arrive
        var slow = WorkerKit.tinyJob("slow")
                .width(128)
                .height(128)
                .numInferenceSteps(200)
                .build();
        kit.submit(slow);
        events.awaitEvent(slow.jobId(), JobEvent.Progress.class, FATE);
        kit.cancel(slow.jobId(), "taking too long");

        JobEvent fate = events.awaitTerminal(slow.jobId(), FATE);

        assertThat(fate).isEqualTo(new JobEvent.Cancelled("taking too long"));
        List<JobEvent> trail = events.of(slow.jobId());
        assertThat(trail.getFirst()).isInstanceOf(JobEvent.Started.class);
        assertThat(trail.getLast()).isEqualTo(fate);
        assertThat(trail).filteredOn(JobEvent.Progress.class::isInstance).allSatisfy(event -> {
            var progress = (JobEvent.Progress) event;
            assertThat(progress.total()).isEqualTo(200);
            assertThat(progress.step()).as("stopped before the last step").isLessThan(200);
        });
        assertThat(events.terminal(slow.jobId())).hasSize(1);
        assertThat(kit.objectKeys("out/" + slow.jobId() + "/")).isEmpty();
        assertCommitted(slow.jobId());
    }

    @Test
    void aJobCancelledWhileItsBatchRunsEndsCancelledAndItsBatchMatesSucceed() throws Exception {
        int steps = stepsForSeconds(5);
        List<GenerationRequest> batch = List.of("mate-a", "mate-b", "mate-c").stream()
                .map(id ->
                        WorkerKit.tinyJob(id).width(72).numInferenceSteps(steps).build())
                .toList();
        batch.forEach(kit::submit);
        events.awaitEvent("mate-b", JobEvent.Started.class, FATE);
        kit.cancel("mate-b", "not this one");

        events.awaitAllTerminal(List.of("mate-a", "mate-b", "mate-c"), FATE);

        Instant cancelledAt = events.timeOf("mate-b", EventLog::isTerminal);
        Instant batchDenoisedAt =
                events.timeOf("mate-a", event -> event instanceof JobEvent.Progress p && p.step() == p.total());
        assertThat(cancelledAt)
                .as("mate-b ended at the next step, while its batch ran")
                .isBefore(batchDenoisedAt);

        assertThat(events.terminal("mate-b")).containsExactly(new JobEvent.Cancelled("not this one"));
        assertThat(events.of("mate-b").getFirst()).as("it had started").isInstanceOf(JobEvent.Started.class);
        assertThat(kit.objectKeys("out/mate-b/")).isEmpty();
        for (String mate : List.of("mate-a", "mate-c")) {
            assertThat(events.terminal(mate)).singleElement().isInstanceOfSatisfying(JobEvent.Succeeded.class, ok -> {
                assertThat(ok.batchSize()).as("ran in one batch with mate-b").isEqualTo(3);
                assertThat(ok.images()).hasSize(1);
            });
            assertThat(kit.objectKeys("out/" + mate + "/")).contains("out/" + mate + "/0.png");
        }
        for (String job : List.of("mate-a", "mate-b", "mate-c")) {
            assertCommitted(job);
        }
    }

    /**
     * How many steps one image at 72×64 needs to denoise for about {@code seconds} on this machine now (between 4 and
     * the most a request allows): a batch of three takes at least that long, so a cancel sent once it started lands
     * while it runs. Timed on a job of its own, alone in its batch, after the model has warmed up.
     */
    private static int stepsForSeconds(int seconds) {
        events.awaitTerminal(IN_TIME, FATE);
        int probeSteps = 10;
        var probe = WorkerKit.tinyJob("step-probe")
                .width(72)
                .numInferenceSteps(probeSteps)
                .build();
        kit.submit(probe);
        var timed = (JobEvent.Succeeded) events.awaitTerminal(probe.jobId(), FATE);
        double msPerStep = Math.max(1.0, timed.timings().denoiseMs() / (double) probeSteps);
        return (int) Math.clamp(Math.ceil(seconds * 1000 / msPerStep), 4, 200);
    }

    /** Asserts that the group committed past the job's record, once the commit has happened. */
    private static void assertCommitted(String jobId) {
        ConsumerRecord<byte[], byte[]> record = kit.readAll(kit.jobsTopic()).stream()
                .filter(r -> jobId.equals(new String(r.key(), StandardCharsets.UTF_8)))
                .findFirst()
                .orElseThrow();
        var partition = new TopicPartition(record.topic(), record.partition());
        await().atMost(Duration.ofSeconds(30))
                .untilAsserted(() -> assertThat(kit.committedOffsets().getOrDefault(partition, -1L))
                        .as("committed offset of %s, which holds %s at %d", partition, jobId, record.offset())
                        .isGreaterThan(record.offset()));
    }
}
