package io.kiln.client;

import io.kiln.contracts.JobUpdate;
import io.kiln.contracts.JsonCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.Iterator;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.Stream;
import tools.jackson.core.JacksonException;

/**
 * Follows one job's Server-Sent Events ({@code GET /v1/jobs/{id}/events}) to its final event. A connection that
 * fails or ends early is opened again with {@code Last-Event-ID}, so the listener sees every event once, in order.
 * Reconnections, and answers 503 and 429, wait as the {@link RetryPolicy} says; an event received starts its count
 * afresh, so a stream that makes progress is never given up on.
 */
final class EventStream {
    private final KilnClient client;
    private final HttpClient http;
    private final RetryPolicy retryPolicy;

    EventStream(KilnClient client, HttpClient http, RetryPolicy retryPolicy) {
        this.client = client;
        this.http = http;
        this.retryPolicy = retryPolicy;
    }

    JobUpdate follow(String jobId, Consumer<JobUpdate> listener) throws InterruptedException {
        long after = 0;
        int failures = 0;
        long failingSince = System.nanoTime();
        while (true) {
            HttpRequest request = client.authorized("/v1/jobs/" + jobId + "/events", "text/event-stream")
                    .header("Last-Event-ID", Long.toString(after))
                    .GET()
                    .build();
            Duration retryAfter = null;
            String failure;
            try {
                HttpResponse<Stream<String>> response = http.send(request, HttpResponse.BodyHandlers.ofLines());
                if (response.statusCode() == 200) {
                    try (Stream<String> lines = response.body()) {
                        Iterator<JobUpdate> updates = new SseReader(lines.iterator());
                        while (updates.hasNext()) {
                            JobUpdate update = updates.next();
                            listener.accept(update);
                            after = update.sequence();
                            failures = 0;
                            failingSince = System.nanoTime();
                            if (update.isFinal()) {
                                return update;
                            }
                        }
                    }
                    failure = "the stream ended before the job did";
                } else if (response.statusCode() == 503 || response.statusCode() == 429) {
                    retryAfter = RetryAfter.parse(
                                    response.headers().firstValue("Retry-After").orElse(null), Instant.now())
                            .orElse(null);
                    response.body().close();
                    failure = "answered " + response.statusCode();
                } else {
                    response.body().close();
                    // the stream refuses a job exactly as its status does: ask that route, which reads and throws
                    // the refusal as its own exception
                    client.status(jobId);
                    throw new KilnException.UnexpectedResponse(
                            response.statusCode(),
                            "unexpected answer " + response.statusCode() + " to "
                                    + request.uri().getPath(),
                            null);
                }
            } catch (IOException | UncheckedIOException e) {
                failure = e.getClass().getSimpleName();
            }
            failures++;
            Duration wait = retryPolicy.backoff(failures, retryAfter, ThreadLocalRandom.current());
            long elapsed = System.nanoTime() - failingSince;
            if (failures >= retryPolicy.maxAttempts()
                    || elapsed + wait.toNanos() > retryPolicy.giveUpAfter().toNanos()) {
                throw new KilnException.Unavailable(
                        0,
                        failures,
                        Duration.ofNanos(elapsed),
                        "GET " + request.uri().getPath() + ": " + failure,
                        null);
            }
            Thread.sleep(wait);
        }
    }

    /** The events of a Server-Sent Events body, read lazily line by line; comments and unknown fields are skipped. */
    private static final class SseReader implements Iterator<JobUpdate> {
        private final Iterator<String> lines;
        private JobUpdate next;

        SseReader(Iterator<String> lines) {
            this.lines = lines;
        }

        @Override
        public boolean hasNext() {
            if (next != null) {
                return true;
            }
            StringBuilder data = new StringBuilder();
            while (lines.hasNext()) {
                String line = lines.next();
                if (line.isEmpty()) {
                    if (!data.isEmpty()) {
                        next = parse(data.toString());
                        return true;
                    }
                } else if (line.startsWith("data:")) {
                    if (!data.isEmpty()) {
                        data.append('\n');
                    }
                    data.append(line.substring(line.startsWith("data: ") ? 6 : 5));
                }
            }
            return false;
        }

        @Override
        public JobUpdate next() {
            if (!hasNext()) {
                throw new java.util.NoSuchElementException();
            }
            JobUpdate update = next;
            next = null;
            return update;
        }

        private static JobUpdate parse(String data) {
            try {
                return JsonCodec.mapper().readValue(data, JobUpdate.class);
            } catch (JacksonException e) {
                throw new KilnException.UnexpectedResponse(
                        200, "cannot read an event of the stream: " + e.getOriginalMessage(), e);
            }
        }
    }
}
