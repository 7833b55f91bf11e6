package io.kiln.dispatcher.http;

import io.javalin.http.Context;
import io.javalin.http.Handler;
import io.kiln.dispatcher.metrics.ApiMetrics;
import java.time.Duration;
import java.util.Optional;

/**
 * The filter before every route but {@code GET /v1/health}: which key calls (401 if none we know), counted for that
 * key, and whether the key has a request left in its rate limit (429 with {@code Retry-After} if not). The key's name
 * is left on the request for the routes ({@link ApiServer#keyName}).
 */
final class KeyGate implements Handler {
    static final String KEY_NAME = "kiln.key-name";

    private final Authenticator authenticator;
    private final KeyRateLimits limits;
    private final ApiMetrics metrics;

    KeyGate(Authenticator authenticator, KeyRateLimits limits, ApiMetrics metrics) {
        this.authenticator = authenticator;
        this.limits = limits;
        this.metrics = metrics;
    }

    @Override
    public void handle(Context ctx) {
        if (ctx.path().equals(HealthRoute.PATH)) {
            return;
        }
        String keyName = authenticator
                .keyName(ctx.header("Authorization"))
                .orElseThrow(() ->
                        new ApiException(401, "unauthorized", "send a valid API key as 'Authorization: Bearer <key>'"));
        ctx.attribute(KEY_NAME, keyName);
        metrics.keyRequest(keyName);
        Optional<Duration> wait = limits.take(keyName);
        if (wait.isPresent()) {
            metrics.rateLimited(keyName);
            long seconds = retryAfterSeconds(wait.get());
            ctx.header("Retry-After", Long.toString(seconds));
            throw new ApiException(
                    429,
                    "rate_limited",
                    "the key '" + keyName + "' is over its rate limit of " + limits.limitOf(keyName) + "; retry after "
                            + seconds + " s");
        }
    }

    /** Whole seconds, rounded up so that a client waiting that long finds a permit; at least 1, as HTTP has no 0.5. */
    static long retryAfterSeconds(Duration wait) {
        long seconds = wait.toSeconds() + (wait.toNanosPart() > 0 ? 1 : 0);
        return Math.max(1, seconds);
    }
}
