package io.kiln.dispatcher.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.CancelCommand;
import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobStatus;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.SeedSource;
import io.kiln.dispatcher.config.KafkaSettings;
import io.kiln.dispatcher.config.StatusSettings;
import io.kiln.dispatcher.config.TopicSettings;
import io.kiln.dispatcher.kafka.ClientProperties;
import io.kiln.dispatcher.status.StatusService;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link CancelIntake} writes and answers, with a producer the test acknowledges or fails by hand. The status
 * store never becomes ready (its Kafka does not answer), so jobs are known only from this replica's own writes, as
 * right after a {@code 202}.
 */
class CancelIntakeTest {
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:05Z");
    private static final Duration ACCEPT_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    Path stateDir;

    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    private final Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
    private Admin admin;
    private StatusService status;
    private JobIntake jobs;
    private CancelIntake cancels;

    @BeforeEach
    void start() throws Exception {
        int closedPort;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = socket.getLocalPort();
        }
        var clients =
                new ClientProperties(new KafkaSettings("127.0.0.1:" + closedPort, ACCEPT_TIMEOUT, Map.of()), "test");
        admin = Admin.create(clients.admin());
        status = StatusService.start(
                admin, TopicSettings.defaults(), clients.streams(new StatusSettings("test", stateDir)));
        jobs = new JobIntake(producer, "jobs", ACCEPT_TIMEOUT, status, SeedSource.secureRandom(), clock);
        cancels = new CancelIntake(producer, "control", ACCEPT_TIMEOUT, jobs, clock);
    }

    @AfterEach
    void stop() {
        status.close();
        admin.close(Duration.ZERO);
    }

    @Test
    void writesACancelCommandKeyedByTheJobIdAndAnswersOnceKafkaAcknowledged() throws Exception {
        String jobId = submitted("alpha");

        CompletableFuture<Cancellation> cancelled = async(() -> cancels.cancel(jobId, "alpha"));
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 2);
        assertThat(cancelled).isNotDone();
        producer.completeNext();

        assertThat(cancelled.join()).isInstanceOfSatisfying(Cancellation.Requested.class, requested -> {
            assertThat(requested.job().jobId()).isEqualTo(jobId);
            assertThat(requested.job().state()).isEqualTo(JobStatus.Status.QUEUED);
        });
        var record = producer.history().get(1);
        assertThat(record.topic()).isEqualTo("control");
        assertThat(record.key()).isEqualTo(jobId);
        assertThat(record.timestamp()).isEqualTo(NOW.toEpochMilli());
        assertThat(JsonCodec.readCancel(record.value()))
                .isEqualTo(new CancelCommand("cancelled through the API by key alpha", NOW));
    }

    @Test
    void aCancelKafkaDoesNotAcknowledgeIsUnavailable() throws Exception {
        String jobId = submitted("alpha");

        CompletableFuture<Cancellation> cancelled = async(() -> cancels.cancel(jobId, "alpha"));
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 2);
        producer.errorNext(new TimeoutException("Expiring 1 record(s)"));

        assertThat(cancelled.join())
                .isInstanceOfSatisfying(Cancellation.Unavailable.class, unavailable -> assertThat(unavailable.reason())
                        .isEqualTo("Kafka did not acknowledge the cancel within 1 s (TimeoutException); it was not"
                                + " written"));
    }

    @Test
    void aCancelSentWhileItsJobIsStillBeingWrittenWaitsForThatWrite() throws Exception {
        var request = GenerationRequest.builder().prompt("a fox").build();
        CompletableFuture<Submission> submission = async(() -> jobs.submit(request, "alpha"));
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
        String jobId = producer.history().getFirst().key();

        CompletableFuture<Cancellation> cancelled = async(() -> cancels.cancel(jobId, "alpha"));
        Thread.sleep(300);
        assertThat(cancelled)
                .as("waits for the job's write, rather than answering 404")
                .isNotDone();
        producer.completeNext();
        assertThat(submission.join()).isInstanceOf(Submission.Accepted.class);

        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 2);
        producer.completeNext();
        assertThat(cancelled.join()).isInstanceOf(Cancellation.Requested.class);
    }

    @Test
    void anotherKeysJobIsNotFoundAndNothingIsWritten() throws Exception {
        String jobId = submitted("alpha");

        assertThat(cancels.cancel(jobId, "beta")).isEqualTo(new Cancellation.NotFound(jobId));
        assertThat(producer.history()).hasSize(1);
    }

    @Test
    void aJobThisReplicaDidNotWriteIsUnavailableWhileTheStatusStoreIsNot() throws Exception {
        assertThat(cancels.cancel("written-elsewhere", "alpha"))
                .isInstanceOfSatisfying(Cancellation.Unavailable.class, unavailable -> assertThat(unavailable.reason())
                        .startsWith("job status is not available yet"));
        assertThat(producer.history()).isEmpty();
    }

    /** A job this replica wrote for {@code keyName}, Kafka having acknowledged it. */
    private String submitted(String keyName) {
        var request = GenerationRequest.builder().prompt("a fox").build();
        CompletableFuture<Submission> submission = async(() -> jobs.submit(request, keyName));
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
        producer.completeNext();
        return ((Submission.Accepted) submission.join()).jobId();
    }

    private static <T> CompletableFuture<T> async(Callable<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
