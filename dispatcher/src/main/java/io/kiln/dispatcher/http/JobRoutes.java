package io.kiln.dispatcher.http;

import static io.kiln.dispatcher.http.Responses.json;
import static io.kiln.dispatcher.http.Responses.object;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Header;
import io.kiln.contracts.JobStatus;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.ParseResult;
import io.kiln.contracts.RequestParser;
import io.kiln.contracts.Violation;
import io.kiln.dispatcher.intake.CancelIntake;
import io.kiln.dispatcher.intake.Cancellation;
import io.kiln.dispatcher.intake.JobIntake;
import io.kiln.dispatcher.intake.Submission;
import io.kiln.dispatcher.status.JobPage;
import io.kiln.dispatcher.status.StatusService;
import io.kiln.dispatcher.status.StatusUnavailableException;
import io.kiln.dispatcher.status.StoredStatus;
import io.kiln.dispatcher.storage.ImageLinks;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Base64;
import java.util.Locale;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code POST /v1/jobs} (validate, accept, 202 once Kafka holds the job), {@code GET /v1/jobs} (a page of the key's
 * jobs, newest first), {@code GET /v1/jobs/{id}} (its status, to the key that submitted it) and {@code DELETE
 * /v1/jobs/{id}} (cancel: 202 once Kafka holds the cancel, 200 if it had already finished).
 */
final class JobRoutes implements Routes {
    private static final int DEFAULT_LIMIT = 20;
    private static final int MAX_LIMIT = 100;
    private static final Base64.Encoder CURSOR_ENCODER = Base64.getUrlEncoder().withoutPadding();

    private final JobIntake intake;
    private final CancelIntake cancels;
    private final ImageLinks links;
    private final long maxBodyBytes;

    JobRoutes(JobIntake intake, CancelIntake cancels, ImageLinks links, long maxBodyBytes) {
        this.intake = intake;
        this.cancels = cancels;
        this.links = links;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.post("/v1/jobs", this::submit);
        routes.get("/v1/jobs", this::list);
        routes.get("/v1/jobs/{id}", this::status);
        routes.delete("/v1/jobs/{id}", this::cancel);
    }

    private void submit(Context ctx) throws InterruptedException {
        // the raw header: Jetty's parsed content type throws on a charset it does not know
        if (!isJson(ctx.header(Header.CONTENT_TYPE))) {
            throw new ApiException(
                    415, "unsupported_media_type", "the body must be JSON: Content-Type: " + Responses.JSON);
        }
        ParseResult parsed = RequestParser.parse(BoundedBody.read(ctx, maxBodyBytes));
        if (parsed instanceof ParseResult.Invalid invalid) {
            ObjectNode answer = object();
            ArrayNode errors = answer.putArray("errors");
            for (Violation violation : invalid.violations()) {
                errors.addObject().put("field", violation.field()).put("message", violation.rule());
            }
            json(ctx, 400, answer);
            return;
        }
        var request = ((ParseResult.Valid) parsed).request();
        switch (intake.submit(request, ApiServer.keyName(ctx))) {
            case Submission.Accepted accepted -> {
                ctx.header("Location", "/v1/jobs/" + accepted.jobId());
                json(
                        ctx,
                        202,
                        object().put("job_id", accepted.jobId())
                                .put("status", JobStatus.Status.QUEUED.wireName())
                                .put("status_url", "/v1/jobs/" + accepted.jobId()));
            }
            case Submission.Conflict conflict ->
                throw new ApiException(
                        409,
                        "conflict",
                        "job_id " + conflict.jobId() + " is already taken by a different request; send the same"
                                + " request to repeat it, or choose another job_id");
            case Submission.Unavailable unavailable -> {
                ObjectNode answer = object().put("code", "unavailable").put("message", unavailable.reason());
                if (unavailable.jobId() != null) {
                    answer.put("job_id", unavailable.jobId());
                }
                json(ctx, 503, answer);
            }
        }
    }

    private void status(Context ctx) throws InterruptedException {
        String jobId = ctx.pathParam("id");
        StoredStatus status;
        try {
            status = intake.find(jobId, ApiServer.keyName(ctx)).orElseThrow(() -> notFound(jobId));
        } catch (StatusUnavailableException e) {
            throw new ApiException(503, "unavailable", e.getMessage() + "; retry later");
        }
        json(ctx, 200, links.view(status));
    }

    private void list(Context ctx) {
        String keyName = ApiServer.keyName(ctx);
        JobStatus.Status state = statusFilter(ctx.queryParam("status"));
        int limit = limit(ctx.queryParam("limit"));
        String after = cursor(ctx.queryParam("cursor"), keyName);
        JobPage page;
        try {
            page = intake.list(keyName, state, limit, after);
        } catch (StatusUnavailableException e) {
            throw new ApiException(503, "unavailable", e.getMessage() + "; retry later");
        }
        ObjectNode answer = object();
        ArrayNode jobs = answer.putArray("jobs");
        page.jobs().forEach(job -> jobs.add(JsonCodec.mapper().<JsonNode>valueToTree(links.view(job))));
        answer.put(
                "next_cursor",
                page.nextCursor() == null
                        ? null
                        : CURSOR_ENCODER.encodeToString(page.nextCursor().getBytes(StandardCharsets.UTF_8)));
        json(ctx, 200, answer);
    }

    private static JobStatus.Status statusFilter(String value) {
        if (value == null) {
            return null;
        }
        return Arrays.stream(JobStatus.Status.values())
                .filter(status -> status.wireName().equals(value))
                .findFirst()
                .orElseThrow(() -> ApiException.invalid(
                        "status",
                        "must be one of "
                                + Arrays.stream(JobStatus.Status.values())
                                        .map(JobStatus.Status::wireName)
                                        .collect(Collectors.joining(", "))));
    }

    private static int limit(String value) {
        if (value == null) {
            return DEFAULT_LIMIT;
        }
        try {
            int limit = Integer.parseInt(value.strip());
            if (limit >= 1 && limit <= MAX_LIMIT) {
                return limit;
            }
        } catch (NumberFormatException e) {
            // answered below
        }
        throw ApiException.invalid("limit", "must be a whole number from 1 to " + MAX_LIMIT);
    }

    /** The index key a {@code cursor} from an earlier page stands for; it must be one of this key's pages. */
    private static String cursor(String value, String keyName) {
        if (value == null) {
            return null;
        }
        try {
            String after = new String(Base64.getUrlDecoder().decode(value), StandardCharsets.UTF_8);
            if (StatusService.isCursorOf(after, keyName)) {
                return after;
            }
        } catch (IllegalArgumentException e) {
            // answered below
        }
        throw ApiException.invalid("cursor", "must be the next_cursor of an earlier page of this key's jobs");
    }

    private void cancel(Context ctx) throws InterruptedException {
        String jobId = ctx.pathParam("id");
        switch (cancels.cancel(jobId, ApiServer.keyName(ctx))) {
            case Cancellation.Requested requested -> json(ctx, 202, links.view(requested.job()));
            case Cancellation.AlreadyFinished finished -> json(ctx, 200, links.view(finished.job()));
            case Cancellation.NotFound ignored -> throw notFound(jobId);
            case Cancellation.Unavailable unavailable ->
                throw new ApiException(503, "unavailable", unavailable.reason() + "; retry later");
        }
    }

    static ApiException notFound(String jobId) {
        return new ApiException(404, "not_found", "no job " + jobId);
    }

    private static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String mediaType = contentType.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        return mediaType.equals(Responses.JSON);
    }
}
