package io.kiln.dispatcher;

import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static io.kiln.dispatcher.DispatcherKit.BETA_KEY;
import static io.kiln.dispatcher.DispatcherKit.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobUpdate;
import io.kiln.contracts.JsonCodec;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code GET /v1/jobs/{id}/events} on the real broker: history, then live events, resumption, the end. */
@KilnInfra
class EventsApiIT {
    private static DispatcherKit kit;
    private static Dispatcher dispatcher;
    private static final HttpClient http = HttpClient.newHttpClient();

    /** One Server-Sent Event as it came over the wire. */
    record Sse(String id, String event, JobUpdate update) {}

    @BeforeAll
    static void start(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        kit = new DispatcherKit(kafka, s3);
        dispatcher = kit.startReady();
    }

    @AfterAll
    static void stop() throws Exception {
        kit.close();
    }

    @Test
    void aStreamSendsTheHistoryThenLiveEventsInOrderAndEndsAfterTheFinalOne() throws Exception {
        String jobId = accepted();
        kit.publish(jobId, new JobEvent.Started("sd", "gpu-0", 1));
        kit.publish(jobId, new JobEvent.Progress(1, 4));
        await().atMost(Duration.ofSeconds(20)).until(() -> !json(kit.get(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY))
                .get("progress")
                .isNull());

        List<Sse> received = new CopyOnWriteArrayList<>();
        CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> readToEnd(jobId, null, received::add));
        await().atMost(Duration.ofSeconds(10)).until(() -> received.size() == 3);
        assertThat(stream).as("the job is not over").isNotDone();

        kit.publish(jobId, new JobEvent.Progress(2, 4));
        kit.publish(jobId, DispatcherKit.succeeded(jobId));
        stream.get(20, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(received)
                .extracting(Sse::event)
                .containsExactly("queued", "started", "progress", "progress", "succeeded");
        assertThat(received).extracting(Sse::id).containsExactly("1", "2", "3", "4", "5");
        assertThat(received).allSatisfy(sse -> {
            assertThat(sse.update().jobId()).isEqualTo(jobId);
            assertThat(sse.update().event().wireName()).isEqualTo(sse.event());
            assertThat(Long.toString(sse.update().sequence())).isEqualTo(sse.id());
        });
        assertThat(received.get(1).update().attempt()).isEqualTo(1);
        assertThat(received.get(3).update().progress().step()).isEqualTo(2);
        assertThat(received.getLast().update().images()).singleElement().satisfies(stored -> assertThat(stored.sha256())
                .isEqualTo(DispatcherKit.succeeded(jobId).images().getFirst().sha256()));
    }

    @Test
    void aStreamResumedWithLastEventIdSendsOnlyWhatCameAfter() throws Exception {
        String jobId = accepted();
        kit.publish(jobId, new JobEvent.Started("sd", "gpu-0", 1));
        kit.publish(jobId, new JobEvent.Failed(ErrorCode.STORAGE_UNAVAILABLE, "S3 away", true, 3, "jobs.DLT"));
        awaitStatus(jobId, "dead_lettered");

        List<Sse> received = new ArrayList<>();
        read(jobId, "2", received::add);
        assertThat(received).singleElement().satisfies(sse -> {
            assertThat(sse.id()).isEqualTo("3");
            assertThat(sse.event()).isEqualTo("dead_lettered");
            assertThat(sse.update().error().code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
        });

        List<Sse> none = new ArrayList<>();
        read(jobId, "3", none::add);
        assertThat(none)
                .as("resumed after the final event: nothing left, and the stream ends")
                .isEmpty();
    }

    @Test
    void aStreamIsRefusedForAnotherKeysJobAnUnknownJobAndABadLastEventId() throws Exception {
        String jobId = accepted();
        var otherKey = stream(jobId, BETA_KEY, null);
        assertThat(otherKey.statusCode()).isEqualTo(404);
        assertThat(stream("job-" + UUID.randomUUID(), ALPHA_KEY, null).statusCode())
                .isEqualTo(404);
        assertThat(stream(jobId, null, null).statusCode()).isEqualTo(401);

        var bad = stream(jobId, ALPHA_KEY, "seven");
        assertThat(bad.statusCode()).isEqualTo(400);
        var error = JsonCodec.mapper().readTree(String.join("\n", bad.body().toList()));
        assertThat(error.get("errors").get(0).get("field").asString()).isEqualTo("Last-Event-ID");
    }

    @Test
    void aJobWhoseEventWasFoldedBeforeItsRecordIsStillAnsweredForAndRepeatable() throws Exception {
        String jobId = "job-" + UUID.randomUUID();
        // a worker's report read by the status fold before the job record itself: a record without an owner
        kit.publish(jobId, new JobEvent.Started("sd", "gpu-0", 1));
        await().atMost(Duration.ofSeconds(20))
                .until(() -> !kit.statusRecords(jobId).isEmpty());

        String body = "{\"job_id\": \"" + jobId + "\", \"prompt\": \"a fox\", \"width\": 64, \"height\": 64}";
        assertThat(kit.submit(dispatcher, ALPHA_KEY, body).statusCode()).isEqualTo(202);
        assertThat(kit.get(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY).statusCode())
                .isEqualTo(200);
        var repeated = kit.submit(dispatcher, ALPHA_KEY, body);
        assertThat(repeated.statusCode()).as(repeated.body()).isEqualTo(202);
        assertThat(kit.delete(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY).statusCode())
                .isEqualTo(202);
        assertThat(kit.jobRecords(jobId)).hasSize(1);
        awaitStatus(jobId, "running");
    }

    private static String accepted() throws Exception {
        return kit.accepted(dispatcher, ALPHA_KEY);
    }

    /** Waits until {@code GET} shows the job with {@code status}. */
    private static void awaitStatus(String jobId, String status) {
        await().atMost(Duration.ofSeconds(20)).until(() -> json(kit.get(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY))
                .get("status")
                .asString()
                .equals(status));
    }

    private static HttpResponse<Stream<String>> stream(String jobId, String key, String lastEventId) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + dispatcher.port() + "/v1/jobs/" + jobId + "/events"))
                .header("Accept", "text/event-stream");
        if (key != null) {
            request.header("Authorization", "Bearer " + key);
        }
        if (lastEventId != null) {
            request.header("Last-Event-ID", lastEventId);
        }
        return http.send(request.GET().build(), HttpResponse.BodyHandlers.ofLines());
    }

    /** Reads the job's stream to its end, handing each event to {@code sink}; fails if it does not end. */
    private static void read(String jobId, String lastEventId, java.util.function.Consumer<Sse> sink) throws Exception {
        CompletableFuture.runAsync(() -> readToEnd(jobId, lastEventId, sink))
                .get(30, java.util.concurrent.TimeUnit.SECONDS);
    }

    private static void readToEnd(String jobId, String lastEventId, java.util.function.Consumer<Sse> sink) {
        try {
            var response = stream(jobId, ALPHA_KEY, lastEventId);
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type"))
                    .hasValueSatisfying(type -> assertThat(type).startsWith("text/event-stream"));
            parse(response.body(), sink);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static void parse(Stream<String> lines, java.util.function.Consumer<Sse> sink) {
        String[] fields = new String[3];
        lines.forEach(line -> {
            if (line.isEmpty()) {
                if (fields[2] != null) {
                    sink.accept(
                            new Sse(fields[0], fields[1], JsonCodec.mapper().readValue(fields[2], JobUpdate.class)));
                }
                fields[0] = fields[1] = fields[2] = null;
            } else if (line.startsWith("id: ")) {
                fields[0] = line.substring(4);
            } else if (line.startsWith("event: ")) {
                fields[1] = line.substring(7);
            } else if (line.startsWith("data: ")) {
                fields[2] = line.substring(6);
            }
        });
    }
}
