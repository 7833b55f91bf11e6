package io.kiln.dispatcher;

import static io.kiln.dispatcher.DispatcherKit.ALPHA;
import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static io.kiln.dispatcher.DispatcherKit.BETA_KEY;
import static io.kiln.dispatcher.DispatcherKit.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.Headers;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.ParseResult;
import io.kiln.contracts.RequestParser;
import io.kiln.contracts.S3Uri;
import io.kiln.contracts.Violation;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The HTTP API of one dispatcher on the real broker; each test uses job ids of its own. */
@KilnInfra
class JobApiIT {
    private static DispatcherKit kit;
    private static Dispatcher dispatcher;

    @BeforeAll
    static void start(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        kit = new DispatcherKit(kafka, s3);
        dispatcher = kit.startReady();
    }

    @AfterAll
    static void stop() throws Exception {
        kit.close();
    }

    private static String newJobId() {
        return "job-" + UUID.randomUUID();
    }

    private static String request(String jobId, String prompt) {
        return "{\"job_id\": \"" + jobId + "\", \"prompt\": \"" + prompt + "\", \"width\": 64, \"height\": 64}";
    }

    @Test
    void acceptedJobIsOnTheJobTopicWithItsKeyNameAndReadsQueuedAtOnce() throws Exception {
        Instant before = Instant.now().minusSeconds(1);
        var response = kit.submit(dispatcher, ALPHA_KEY, "{\"prompt\": \"a red fox in snow\"}");

        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        String jobId = json(response).get("job_id").asString();
        assertThat(json(response).get("status").asString()).isEqualTo("queued");
        assertThat(json(response).get("status_url").asString()).isEqualTo("/v1/jobs/" + jobId);

        // asked at once, before the status topic can have carried it back
        var status = kit.get(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY);
        assertThat(status.statusCode()).as(status.body()).isEqualTo(200);
        JsonNode job = json(status);
        assertThat(job.get("job_id").asString()).isEqualTo(jobId);
        assertThat(job.get("status").asString()).isEqualTo("queued");
        assertThat(Instant.parse(job.get("accepted_at").asString())).isBetween(before, Instant.now());
        assertThat(job.get("started_at").isNull()).isTrue();
        assertThat(job.get("finished_at").isNull()).isTrue();
        assertThat(job.has("key_name")).isFalse();

        var records = kit.jobRecords(jobId);
        assertThat(records).hasSize(1);
        var record = records.getFirst();
        assertThat(header(record, Headers.JOB_ID)).isEqualTo(jobId);
        assertThat(header(record, Headers.API_KEY_NAME)).isEqualTo(ALPHA);
        var written = (ParseResult.Valid) RequestParser.parse(record.value());
        assertThat(written.request().jobId()).isEqualTo(jobId);
        assertThat(written.request().seed()).isNotNull().isBetween(0L, (1L << 32) - 1);
        assertThat(written.request().prompt()).isEqualTo("a red fox in snow");
    }

    @Test
    void invalidRequestListsEveryViolationAsTheParserReportsThem() throws Exception {
        String body = "{\"prompt\": 7, \"width\": 100, \"sampler\": \"fast\", \"num_images\": 9,"
                + " \"metadata\": {\"owner\": 1}}";
        var response = kit.submit(dispatcher, ALPHA_KEY, body);

        assertThat(response.statusCode()).isEqualTo(400);
        List<Violation> expected = ((ParseResult.Invalid) RequestParser.parse(body)).violations();
        assertThat(expected).hasSizeGreaterThanOrEqualTo(5);
        List<Violation> reported = json(response)
                .get("errors")
                .valueStream()
                .map(error -> new Violation(
                        error.get("field").asString(), error.get("message").asString()))
                .toList();
        assertThat(reported).containsExactlyElementsOf(expected);
    }

    @Test
    void malformedJsonIsA400OnTheDocument() throws Exception {
        var response = kit.submit(dispatcher, ALPHA_KEY, "{\"prompt\": ");
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(json(response).get("errors").get(0).get("field").asString()).isEqualTo("$");
    }

    @Test
    void missingOrUnknownKeyIs401OnEveryRouteButHealth() throws Exception {
        String body = request(newJobId(), "a fox");
        for (String key : new String[] {null, "not-a-key", ""}) {
            var post = kit.submit(dispatcher, key, body);
            assertThat(post.statusCode()).as("POST with key %s", key).isEqualTo(401);
            assertThat(post.body()).contains("unauthorized").doesNotContain("not-a-key");
            assertThat(kit.get(dispatcher, "/v1/jobs/x", key).statusCode()).isEqualTo(401);
            assertThat(kit.get(dispatcher, "/v1/elsewhere", key).statusCode()).isEqualTo(401);
        }
        assertThat(kit.get(dispatcher, "/v1/health", null).statusCode()).isEqualTo(200);
    }

    @Test
    void bodyOverTheLimitIs413AndNonJsonIs415() throws Exception {
        String huge = "{\"prompt\": \"" + "x".repeat(5000) + "\"}";
        var tooLarge = kit.submit(dispatcher, ALPHA_KEY, huge);
        assertThat(tooLarge.statusCode()).isEqualTo(413);
        assertThat(json(tooLarge).get("code").asString()).isEqualTo("payload_too_large");
        // a body that does not declare its length is cut off at the limit too
        var chunked = kit.send(
                dispatcher,
                ALPHA_KEY,
                HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(huge.getBytes(StandardCharsets.UTF_8))));
        assertThat(chunked.statusCode()).isEqualTo(413);

        var plain = kit.post(dispatcher, ALPHA_KEY, "text/plain", request(newJobId(), "a fox"));
        assertThat(plain.statusCode()).isEqualTo(415);
        var none = kit.post(dispatcher, ALPHA_KEY, null, request(newJobId(), "a fox"));
        assertThat(none.statusCode()).isEqualTo(415);
        var withCharset = kit.post(dispatcher, ALPHA_KEY, "application/json; charset=utf-8", request(newJobId(), "ok"));
        assertThat(withCharset.statusCode()).isEqualTo(202);
    }

    @Test
    void sameJobIdAndBodyAnswersTheSame202AndWritesOnceWhileADifferentBodyIs409() throws Exception {
        String jobId = newJobId();
        var first = kit.submit(dispatcher, ALPHA_KEY, request(jobId, "a fox"));
        // the same request with other whitespace and member order is the same request
        var again = kit.submit(
                dispatcher,
                ALPHA_KEY,
                "{ \"height\":64, \"width\":64, \"prompt\":\"a fox\", \"job_id\":\"" + jobId + "\" }");

        assertThat(first.statusCode()).isEqualTo(202);
        assertThat(again.statusCode()).isEqualTo(202);
        assertThat(again.body()).isEqualTo(first.body());

        var different = kit.submit(dispatcher, ALPHA_KEY, request(jobId, "a wolf"));
        assertThat(different.statusCode()).isEqualTo(409);
        assertThat(json(different).get("code").asString()).isEqualTo("conflict");

        assertThat(kit.jobRecords(jobId)).hasSize(1);
    }

    @Test
    void concurrentSubmissionsOfOneJobIdWriteItOnce() throws Exception {
        String jobId = newJobId();
        List<CompletableFuture<HttpResponse<String>>> answers = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < 8; i++) {
                answers.add(CompletableFuture.supplyAsync(
                        () -> {
                            try {
                                return kit.submit(dispatcher, ALPHA_KEY, request(jobId, "a fox"));
                            } catch (Exception e) {
                                throw new IllegalStateException(e);
                            }
                        },
                        threads));
            }
        }
        assertThat(answers).allSatisfy(answer -> {
            assertThat(answer.join().statusCode()).as(answer.join().body()).isEqualTo(202);
            assertThat(answer.join().body()).isEqualTo(answers.getFirst().join().body());
        });
        assertThat(kit.jobRecords(jobId)).hasSize(1);
    }

    @Test
    void aKeyCannotSeeOrReuseAnotherKeysJob() throws Exception {
        String jobId = newJobId();
        assertThat(kit.submit(dispatcher, ALPHA_KEY, request(jobId, "a fox")).statusCode())
                .isEqualTo(202);

        var foreign = kit.get(dispatcher, "/v1/jobs/" + jobId, BETA_KEY);
        assertThat(foreign.statusCode()).isEqualTo(404);
        assertThat(foreign.body())
                .isEqualTo(kit.get(dispatcher, "/v1/jobs/never-" + jobId, BETA_KEY)
                        .body()
                        .replace("never-", ""));
        assertThat(kit.submit(dispatcher, BETA_KEY, request(jobId, "a fox")).statusCode())
                .isEqualTo(409);
        assertThat(kit.get(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY).statusCode())
                .isEqualTo(200);
    }

    @Test
    void neverAcceptedJobIs404() throws Exception {
        assertThat(kit.get(dispatcher, "/v1/jobs/" + newJobId(), ALPHA_KEY).statusCode())
                .isEqualTo(404);
    }

    @Test
    void workerEventsMoveTheStatusToRunningProgressAndSucceeded() throws Exception {
        String jobId = accepted();
        kit.publish(jobId, new JobEvent.Started("sd-1.5", "gpu-0", 1));
        awaitStatus(jobId, job -> assertThat(job.get("status").asString()).isEqualTo("running"));
        assertThat(statusOf(jobId).get("started_at").isNull()).isFalse();

        kit.publish(jobId, new JobEvent.Progress(3, 50));
        awaitStatus(jobId, job -> {
            // path, not get: until the event is folded there is no progress, and Awaitility retries only assertions
            assertThat(job.path("progress").path("step").asInt()).isEqualTo(3);
            assertThat(job.path("progress").path("total").asInt()).isEqualTo(50);
        });

        String sha = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";
        var image = new JobEvent.Succeeded.Image(
                S3Uri.parse("s3://kiln-outputs/" + jobId + "/0.png"),
                URI.create("https://s3.example.com/kiln-outputs/" + jobId + "/0.png"),
                Instant.now().plusSeconds(3600),
                42,
                512,
                512,
                1234,
                sha);
        kit.publish(jobId, new JobEvent.Succeeded(List.of(image), new JobEvent.Succeeded.Timings(1, 2, 3, 4), 1));
        awaitStatus(jobId, job -> assertThat(job.get("status").asString()).isEqualTo("succeeded"));
        JsonNode job = statusOf(jobId);
        assertThat(job.get("finished_at").isNull()).isFalse();
        JsonNode stored = job.get("images").get(0);
        assertThat(stored.get("uri").asString()).isEqualTo("s3://kiln-outputs/" + jobId + "/0.png");
        assertThat(stored.get("seed").asLong()).isEqualTo(42);
        assertThat(stored.get("sha256").asString()).isEqualTo(sha);

        // a late progress event of the same job does not undo its end
        kit.publish(jobId, new JobEvent.Progress(4, 50));
        String other = accepted();
        kit.publish(other, new JobEvent.Started("sd-1.5", "gpu-0", 1));
        awaitStatus(
                other, running -> assertThat(running.get("status").asString()).isEqualTo("running"));
        assertThat(statusOf(jobId).get("status").asString()).isEqualTo("succeeded");
    }

    @Test
    void aJsonBodyWithACharsetJavaDoesNotKnowIsReadAsJsonNotAnInternalError() throws Exception {
        var response = kit.post(dispatcher, ALPHA_KEY, "application/json; charset=bogus", request(newJobId(), "a fox"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    }

    @Test
    void headersOverTheLimitAreRefusedBeforeAnyRouteRuns() throws Exception {
        var request = java.net.http.HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + dispatcher.port() + "/v1/jobs/any"))
                .header("Authorization", "Bearer " + ALPHA_KEY)
                .header("X-Padding", "x".repeat(9 * 1024))
                .GET()
                .build();
        var response = java.net.http.HttpClient.newHttpClient()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(431);
        assertThat(response.body()).doesNotContain(ALPHA_KEY);
    }

    @Test
    void failedEventShowsItsError() throws Exception {
        String jobId = accepted();
        kit.publish(jobId, new JobEvent.Failed(ErrorCode.STORAGE_UNAVAILABLE, "S3 PutObject failed: 503", true, 4));
        awaitStatus(jobId, job -> {
            assertThat(job.get("status").asString()).isEqualTo("failed");
            assertThat(job.get("error").get("code").asString()).isEqualTo("storage_unavailable");
            assertThat(job.get("error").get("message").asString()).isEqualTo("S3 PutObject failed: 503");
            assertThat(job.get("error").get("retriable").asBoolean()).isTrue();
            assertThat(job.get("finished_at").isNull()).isFalse();
        });
    }

    private static String accepted() throws Exception {
        String jobId = newJobId();
        var response = kit.submit(dispatcher, ALPHA_KEY, request(jobId, "a fox"));
        assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
        return jobId;
    }

    private static JsonNode statusOf(String jobId) throws Exception {
        var response = kit.get(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    private static void awaitStatus(String jobId, java.util.function.Consumer<JsonNode> check) {
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .untilAsserted(() -> check.accept(statusOf(jobId)));
    }

    private static String header(org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]> record, String name) {
        var header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
