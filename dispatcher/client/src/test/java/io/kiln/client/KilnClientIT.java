package io.kiln.client;

import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.contracts.CancelCommand;
import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobStatus;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.ParseResult;
import io.kiln.contracts.RequestParser;
import io.kiln.contracts.S3Uri;
import io.kiln.contracts.Violation;
import io.kiln.dispatcher.Dispatcher;
import io.kiln.dispatcher.DispatcherKit;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The client against one real dispatcher on the real broker; each test uses job ids of its own. */
@KilnInfra
class KilnClientIT {
    private static DispatcherKit kit;
    private static KilnClient client;
    private static URI baseUrl;

    @BeforeAll
    static void start(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        kit = new DispatcherKit(kafka, s3);
        Dispatcher dispatcher = kit.startReady();
        baseUrl = URI.create("http://127.0.0.1:" + dispatcher.port());
        client = KilnClient.builder().baseUrl(baseUrl).apiKey(ALPHA_KEY).build();
    }

    @AfterAll
    static void stop() {
        client.close();
        kit.close();
    }

    private static GenerationRequest.Builder fox() {
        return GenerationRequest.builder().prompt("a red fox in snow").width(64).height(64);
    }

    @Test
    void submitAssignsAUuidJobIdThatTheDispatcherKeepsAndTheJobReadsQueued() throws Exception {
        JobHandle job = client.submit(fox().build());

        assertThat(UUID.fromString(job.jobId())).isNotNull();
        JobStatus status = job.status();
        assertThat(status.jobId()).isEqualTo(job.jobId());
        assertThat(status.status()).isEqualTo(JobStatus.Status.QUEUED);
        assertThat(status.acceptedAt()).isBefore(Instant.now().plusSeconds(1));
        assertThat(status.images()).isEmpty();
        assertThat(status.startedAt()).isNull();
        assertThat(kit.jobRecords(job.jobId())).hasSize(1);
    }

    @Test
    void theSameRequestSubmittedTwiceWithItsJobIdIsOneJob() throws Exception {
        GenerationRequest request = fox().jobId("client-" + UUID.randomUUID()).build();

        JobHandle first = client.submit(request);
        JobHandle again = client.submit(request);

        assertThat(first.jobId()).isEqualTo(request.jobId());
        assertThat(again.jobId()).isEqualTo(request.jobId());
        assertThat(kit.jobRecords(request.jobId())).hasSize(1);
    }

    @Test
    void aJobIdTakenByADifferentRequestIsAConflict() throws Exception {
        String jobId = "client-" + UUID.randomUUID();
        client.submit(fox().jobId(jobId).build());

        assertThatThrownBy(
                        () -> client.submit(fox().jobId(jobId).prompt("a wolf").build()))
                .isInstanceOfSatisfying(KilnException.Conflict.class, e -> assertThat(e.httpStatus())
                        .isEqualTo(409))
                .hasMessageContaining(jobId);
    }

    @Test
    void aRequestWithBadFieldsThrowsWithEveryFieldNamed() {
        String body = "{\"prompt\": 7, \"width\": 100, \"sampler\": \"fast\", \"num_images\": 9,"
                + " \"metadata\": {\"owner\": 1}}";
        List<Violation> expected = ((ParseResult.Invalid) RequestParser.parse(body)).violations();

        assertThatThrownBy(() -> client.submit(body))
                .isInstanceOfSatisfying(KilnException.InvalidRequest.class, e -> {
                    assertThat(e.httpStatus()).isEqualTo(400);
                    assertThat(e.violations()).containsExactlyElementsOf(expected);
                    assertThat(e.violations())
                            .extracting(Violation::field)
                            .contains("prompt", "width", "sampler", "num_images", "metadata.owner");
                })
                .hasMessageContaining("width: must be a multiple of 8");
    }

    @Test
    void aJsonRequestWithoutJobIdIsGivenOne() throws Exception {
        JobHandle job = client.submit("{\"prompt\": \"a fox\", \"width\": 64, \"height\": 64}");

        assertThat(UUID.fromString(job.jobId())).isNotNull();
        assertThat(job.status().status()).isEqualTo(JobStatus.Status.QUEUED);
    }

    @Test
    void aWrongApiKeyThrowsUnauthorizedWithoutEchoingIt() {
        try (var stranger =
                KilnClient.builder().baseUrl(baseUrl).apiKey("not-a-key").build()) {
            assertThatThrownBy(() -> stranger.submit(fox().build()))
                    .isInstanceOf(KilnException.Unauthorized.class)
                    .hasMessageNotContaining("not-a-key");
            assertThatThrownBy(() -> stranger.job("any-job").status()).isInstanceOf(KilnException.Unauthorized.class);
        }
    }

    @Test
    void aBodyOverTheDispatchersLimitIsPayloadTooLarge() {
        // the kit's dispatcher takes 4096 bytes; two long prompts are a valid request over it
        var large =
                fox().prompt("x".repeat(3000)).negativePrompt("y".repeat(3000)).build();

        assertThatThrownBy(() -> client.submit(large)).isInstanceOf(KilnException.PayloadTooLarge.class);
    }

    @Test
    void aJobNeverSubmittedIsNotFound() {
        assertThatThrownBy(() -> client.job("never-" + UUID.randomUUID()).status())
                .isInstanceOf(KilnException.NotFound.class);
    }

    @Test
    void awaitReturnsTheSucceededJobWithItsImages() throws Exception {
        JobHandle job = client.submit(fox().build());
        String sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        var image = new JobEvent.Succeeded.Image(
                S3Uri.parse("s3://kiln-outputs/" + job.jobId() + "/0.png"),
                URI.create("https://s3.example.com/kiln-outputs/" + job.jobId() + "/0.png"),
                Instant.now().plusSeconds(3600),
                42,
                64,
                64,
                1234,
                sha);

        kit.publish(job.jobId(), new JobEvent.Started("sd-1.5", "gpu-0", 1));
        kit.publish(job.jobId(), new JobEvent.Succeeded(List.of(image), new JobEvent.Succeeded.Timings(1, 2, 3, 4), 1));
        JobStatus done = job.await(Duration.ofSeconds(30));

        assertThat(done.status()).isEqualTo(JobStatus.Status.SUCCEEDED);
        assertThat(done.isFinal()).isTrue();
        assertThat(done.startedAt()).isNotNull();
        assertThat(done.finishedAt()).isNotNull();
        assertThat(done.error()).isNull();
        assertThat(done.images()).singleElement().satisfies(stored -> {
            assertThat(stored.uri()).isEqualTo(S3Uri.parse("s3://kiln-outputs/" + job.jobId() + "/0.png"));
            assertThat(stored.seed()).isEqualTo(42);
            assertThat(stored.width()).isEqualTo(64);
            assertThat(stored.height()).isEqualTo(64);
            assertThat(stored.sizeBytes()).isEqualTo(1234);
            assertThat(stored.sha256()).isEqualTo(sha);
            // presigned by the dispatcher when it answered (ImageTransferIT downloads through it)
            assertThat(stored.url().getPath()).isEqualTo("/kiln-outputs/" + job.jobId() + "/0.png");
            assertThat(stored.urlExpiresAt()).isAfter(Instant.now().plusSeconds(3000));
        });
    }

    @Test
    void awaitReturnsAFailedJobWithItsError() throws Exception {
        JobHandle job = client.submit(fox().build());

        kit.publish(
                job.jobId(), new JobEvent.Failed(ErrorCode.STORAGE_UNAVAILABLE, "S3 PutObject failed: 503", true, 4));
        JobStatus done = job.await(Duration.ofSeconds(30));

        assertThat(done.status()).isEqualTo(JobStatus.Status.FAILED);
        assertThat(done.error())
                .isEqualTo(new JobStatus.Error(ErrorCode.STORAGE_UNAVAILABLE, "S3 PutObject failed: 503", true));
    }

    @Test
    void cancelWritesTheCancelAndTheJobEndsCancelledOnceTheWorkerSaysSo() throws Exception {
        JobHandle job = client.submit(fox().build());

        JobStatus answered = job.cancel();

        assertThat(answered.jobId()).isEqualTo(job.jobId());
        assertThat(answered.status()).isEqualTo(JobStatus.Status.QUEUED);
        var records = kit.controlRecords(job.jobId());
        assertThat(records).hasSize(1);
        CancelCommand command = JsonCodec.readCancel(records.getFirst().value());
        assertThat(command.reason()).contains(DispatcherKit.ALPHA);

        // what the worker publishes once it has read the command
        kit.publish(job.jobId(), new JobEvent.Cancelled(command.reason()));
        JobStatus done = job.await(Duration.ofSeconds(30));
        assertThat(done.status()).isEqualTo(JobStatus.Status.CANCELLED);
        assertThat(done.finishedAt()).isNotNull();

        // cancelling a finished job returns it as it is and writes nothing
        assertThat(job.cancel().status()).isEqualTo(JobStatus.Status.CANCELLED);
        assertThat(kit.controlRecords(job.jobId())).hasSize(1);
    }

    @Test
    void cancelOfAJobNeverSubmittedIsNotFound() {
        assertThatThrownBy(() -> client.job("never-" + UUID.randomUUID()).cancel())
                .isInstanceOf(KilnException.NotFound.class);
    }

    @Test
    void awaitTimesOutWithTheLastStatusWhenNothingHappens() throws Exception {
        JobHandle job = client.submit(fox().build());

        long start = System.nanoTime();
        assertThatThrownBy(() -> job.await(Duration.ofMillis(700)))
                .isInstanceOfSatisfying(
                        KilnException.AwaitTimedOut.class,
                        e -> assertThat(e.lastStatus().status()).isEqualTo(JobStatus.Status.QUEUED))
                .hasMessage("job " + job.jobId() + " did not finish within 700 ms; it is queued");
        assertThat(Duration.ofNanos(System.nanoTime() - start))
                .isBetween(Duration.ofMillis(700), Duration.ofSeconds(5));
    }
}
