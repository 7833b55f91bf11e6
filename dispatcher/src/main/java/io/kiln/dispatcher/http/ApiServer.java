package io.kiln.dispatcher.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.util.JavalinBindException;
import io.kiln.contracts.JobStatus;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.ParseResult;
import io.kiln.contracts.RequestParser;
import io.kiln.contracts.Violation;
import io.kiln.dispatcher.config.ApiKey;
import io.kiln.dispatcher.config.HttpSettings;
import io.kiln.dispatcher.intake.CancelIntake;
import io.kiln.dispatcher.intake.Cancellation;
import io.kiln.dispatcher.intake.JobIntake;
import io.kiln.dispatcher.intake.Submission;
import io.kiln.dispatcher.status.StatusUnavailableException;
import io.kiln.dispatcher.status.StoredStatus;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The dispatcher's HTTP API (docs/DISPATCHER.md):
 *
 * <ul>
 *   <li>{@code POST /v1/jobs}: validate, accept, answer 202 once Kafka holds the job
 *   <li>{@code GET /v1/jobs/{id}}: the job's status, to the key that submitted it
 *   <li>{@code DELETE /v1/jobs/{id}}: cancel the job; 202 once Kafka holds the cancel, 200 if it had already finished
 *   <li>{@code GET /v1/health}: 200 when ready, else 503 with what is missing; the only route without a key
 * </ul>
 *
 * Errors answer {@code {"code", "message"}}, or for an invalid request {@code {"errors": [{"field", "message"}]}}.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final String JSON = "application/json";
    private static final String KEY_NAME = "kiln.key-name";
    private static final String HEALTH = "/v1/health";

    private final Javalin app;

    private ApiServer(Javalin app) {
        this.app = app;
    }

    /**
     * Starts serving.
     *
     * @param unmetReadiness what keeps the dispatcher from serving, such as {@code Kafka unreachable}; empty when
     *     ready. Called on every health request, from HTTP threads
     * @throws IllegalStateException if the address cannot be bound
     */
    public static ApiServer start(
            HttpSettings settings,
            List<ApiKey> keys,
            JobIntake intake,
            CancelIntake cancels,
            Supplier<List<String>> unmetReadiness) {
        Authenticator authenticator = new Authenticator(keys);
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.routes.before(ctx -> authenticate(ctx, authenticator));
            config.routes.post("/v1/jobs", ctx -> submit(ctx, intake, settings.maxBodyBytes()));
            config.routes.get("/v1/jobs/{id}", ctx -> status(ctx, intake));
            config.routes.delete("/v1/jobs/{id}", ctx -> cancel(ctx, cancels));
            config.routes.get(HEALTH, ctx -> health(ctx, unmetReadiness));
            config.routes.exception(ApiException.class, (e, ctx) -> error(ctx, e.status(), e.code(), e.getMessage()));
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("Unexpected failure on {} {}", ctx.method(), ctx.path(), e);
                error(ctx, 500, "internal", "internal error");
            });
        });
        try {
            app.start();
        } catch (JavalinBindException e) {
            app.stop();
            throw new IllegalStateException(
                    "http: cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        return new ApiServer(app);
    }

    /** The port listened on: the configured one, or the one taken for port 0. */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }

    private static void authenticate(Context ctx, Authenticator authenticator) {
        if (ctx.path().equals(HEALTH)) {
            return;
        }
        String keyName = authenticator
                .keyName(ctx.header("Authorization"))
                .orElseThrow(() ->
                        new ApiException(401, "unauthorized", "send a valid API key as 'Authorization: Bearer <key>'"));
        ctx.attribute(KEY_NAME, keyName);
    }

    private static void submit(Context ctx, JobIntake intake, long maxBodyBytes) throws InterruptedException {
        if (!isJson(ctx.contentType())) {
            throw new ApiException(415, "unsupported_media_type", "the body must be JSON: Content-Type: " + JSON);
        }
        byte[] body = readBody(ctx, maxBodyBytes);
        ParseResult parsed = RequestParser.parse(body);
        if (parsed instanceof ParseResult.Invalid invalid) {
            ObjectNode answer = JsonCodec.mapper().createObjectNode();
            ArrayNode errors = answer.putArray("errors");
            for (Violation violation : invalid.violations()) {
                errors.addObject().put("field", violation.field()).put("message", violation.rule());
            }
            json(ctx, 400, answer);
            return;
        }
        var request = ((ParseResult.Valid) parsed).request();
        switch (intake.submit(request, ctx.attribute(KEY_NAME))) {
            case Submission.Accepted accepted -> {
                ObjectNode answer = JsonCodec.mapper().createObjectNode();
                answer.put("job_id", accepted.jobId())
                        .put("status", JobStatus.Status.QUEUED.wireName())
                        .put("status_url", "/v1/jobs/" + accepted.jobId());
                ctx.header("Location", "/v1/jobs/" + accepted.jobId());
                json(ctx, 202, answer);
            }
            case Submission.Conflict conflict ->
                throw new ApiException(
                        409,
                        "conflict",
                        "job_id " + conflict.jobId() + " is already taken by a different request; send the same"
                                + " request to repeat it, or choose another job_id");
            case Submission.Unavailable unavailable ->
                throw new ApiException(503, "unavailable", unavailable.reason() + "; retry later");
        }
    }

    private static void status(Context ctx, JobIntake intake) {
        String jobId = ctx.pathParam("id");
        Optional<StoredStatus> job;
        try {
            job = intake.find(jobId, ctx.attribute(KEY_NAME));
        } catch (StatusUnavailableException e) {
            throw new ApiException(503, "unavailable", e.getMessage() + "; retry later");
        }
        StoredStatus status = job.orElseThrow(() -> new ApiException(404, "not_found", "no job " + jobId));
        json(ctx, 200, JsonCodec.mapper().valueToTree(status.view()));
    }

    private static void cancel(Context ctx, CancelIntake cancels) throws InterruptedException {
        String jobId = ctx.pathParam("id");
        switch (cancels.cancel(jobId, ctx.attribute(KEY_NAME))) {
            case Cancellation.Requested requested ->
                json(ctx, 202, JsonCodec.mapper().valueToTree(requested.job().view()));
            case Cancellation.AlreadyFinished finished ->
                json(ctx, 200, JsonCodec.mapper().valueToTree(finished.job().view()));
            case Cancellation.NotFound notFound -> throw new ApiException(404, "not_found", "no job " + jobId);
            case Cancellation.Unavailable unavailable ->
                throw new ApiException(503, "unavailable", unavailable.reason() + "; retry later");
        }
    }

    private static void health(Context ctx, Supplier<List<String>> unmetReadiness) {
        List<String> unmet;
        try {
            unmet = unmetReadiness.get();
        } catch (RuntimeException e) {
            // a probe that cannot tell must not report ready
            log.warn("Readiness check failed", e);
            unmet = List.of("readiness check failed");
        }
        ObjectNode answer = JsonCodec.mapper().createObjectNode();
        answer.put("status", unmet.isEmpty() ? "ready" : "not_ready");
        unmet.forEach(answer.putArray("unmet")::add);
        json(ctx, unmet.isEmpty() ? 200 : 503, answer);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mediaType.equals(JSON);
    }

    /** The body, at most {@code maxBodyBytes}; a longer one is refused whether or not it declared its length. */
    private static byte[] readBody(Context ctx, long maxBodyBytes) {
        if (ctx.contentLength() > maxBodyBytes) {
            throw tooLarge(maxBodyBytes);
        }
        try (InputStream in = ctx.bodyInputStream()) {
            byte[] body = in.readNBytes(Math.toIntExact(maxBodyBytes + 1));
            if (body.length > maxBodyBytes) {
                throw tooLarge(maxBodyBytes);
            }
            return body;
        } catch (IOException e) {
            throw new ApiException(400, "bad_request", "cannot read the request body");
        }
    }

    private static ApiException tooLarge(long maxBodyBytes) {
        return new ApiException(413, "payload_too_large", "the body must be at most " + maxBodyBytes + " bytes");
    }

    private static void error(Context ctx, int status, String code, String message) {
        ObjectNode answer = JsonCodec.mapper().createObjectNode();
        answer.put("code", code).put("message", message);
        json(ctx, status, answer);
    }

    private static void json(Context ctx, int status, ObjectNode body) {
        ctx.status(status).contentType(JSON).result(JsonCodec.mapper().writeValueAsBytes(body));
    }
}
