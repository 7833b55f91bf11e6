package io.kiln.dispatcher.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.kiln.contracts.JobUpdate;
import io.kiln.contracts.JsonCodec;
import io.kiln.dispatcher.intake.JobIntake;
import io.kiln.dispatcher.status.StatusUnavailableException;
import io.kiln.dispatcher.status.StoredStatus;
import io.kiln.dispatcher.storage.ImageLinks;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@code GET /v1/jobs/{id}/events}: the job's events as Server-Sent Events, its stored history first, then each new
 * one as this replica's status store reads it, until the final event, after which the stream ends. A client that
 * reconnects with {@code Last-Event-ID} (or {@code ?after=}) gets only the events after that one.
 *
 * <p>Each stream is a request blocked in a loop that reads the job's status every {@link #POLL} (the API runs
 * requests on virtual threads, so a stream costs no platform thread): the store is every replica's copy of the status
 * topic, so any replica streams any job, and a stream needs no subscription to keep or to lose.
 */
final class EventsRoute implements Routes {
    static final String PATH = "/v1/jobs/{id}/events";
    private static final Duration POLL = Duration.ofMillis(200);
    // below the idle timeouts of Jetty (30 s) and of common proxies (60 s)
    private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);
    private static final String LAST_EVENT_ID = "Last-Event-ID";

    private final JobIntake jobs;
    private final ImageLinks links;
    private final AtomicBoolean closing;

    /** @param closing set when the server stops, so that open streams end */
    EventsRoute(JobIntake jobs, ImageLinks links, AtomicBoolean closing) {
        this.jobs = jobs;
        this.links = links;
        this.closing = closing;
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get(PATH, this::stream);
    }

    private void stream(Context ctx) throws InterruptedException {
        String jobId = ctx.pathParam("id");
        String keyName = ApiServer.keyName(ctx);
        long after = resumeAfter(ctx);
        StoredStatus job = find(jobId, keyName).orElseThrow(() -> JobRoutes.notFound(jobId));

        ctx.status(200)
                .contentType("text/event-stream")
                .header("Cache-Control", "no-cache")
                .header("X-Accel-Buffering", "no");
        try {
            OutputStream out = ctx.res().getOutputStream();
            long lastWrite = System.nanoTime();
            while (true) {
                for (JobUpdate update : links.updatesAfter(job, after)) {
                    send(out, update);
                    after = update.sequence();
                    if (update.isFinal()) {
                        out.flush();
                        return;
                    }
                    lastWrite = System.nanoTime();
                }
                if (job.state().isFinal()) {
                    // resumed after the final event: nothing is left to send
                    out.flush();
                    return;
                }
                if (System.nanoTime() - lastWrite > KEEP_ALIVE.toNanos()) {
                    out.write(": keep-alive\n\n".getBytes(StandardCharsets.UTF_8));
                    lastWrite = System.nanoTime();
                }
                out.flush();
                if (closing.get()) {
                    return;
                }
                Thread.sleep(POLL);
                job = latest(jobId, keyName).orElse(job);
            }
        } catch (IOException e) {
            // the client went away; it resumes with Last-Event-ID if it wants the rest
        }
    }

    private Optional<StoredStatus> find(String jobId, String keyName) throws InterruptedException {
        try {
            return jobs.find(jobId, keyName);
        } catch (StatusUnavailableException e) {
            throw new ApiException(503, "unavailable", e.getMessage() + "; retry later");
        }
    }

    /** The job's status now; empty while the store cannot answer for a moment (a rebalance), and the stream waits. */
    private Optional<StoredStatus> latest(String jobId, String keyName) throws InterruptedException {
        try {
            return jobs.find(jobId, keyName);
        } catch (StatusUnavailableException e) {
            return Optional.empty();
        }
    }

    private static void send(OutputStream out, JobUpdate update) throws IOException {
        String event = "id: " + update.sequence() + "\nevent: " + update.event().wireName() + "\ndata: "
                + JsonCodec.mapper().writeValueAsString(update) + "\n\n";
        out.write(event.getBytes(StandardCharsets.UTF_8));
    }

    /** The sequence of the last event the client saw: {@code Last-Event-ID}, else {@code ?after=}, else 0. */
    private static long resumeAfter(Context ctx) {
        String header = ctx.header(LAST_EVENT_ID);
        String value = header != null ? header : ctx.queryParam("after");
        String field = header != null ? LAST_EVENT_ID : "after";
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            long after = Long.parseLong(value.strip());
            if (after >= 0) {
                return after;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid(field, "must be the id of an event of this stream, a whole number ≥ 0");
    }
}
