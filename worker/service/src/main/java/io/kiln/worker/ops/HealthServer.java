package io.kiln.worker.ops;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpStatus;
import io.javalin.util.JavalinBindException;
import io.kiln.worker.config.HttpSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's operations endpoints, for Kubernetes probes and Prometheus:
 *
 * <ul>
 *   <li>{@code GET /health/live}: 200 {@code live} while the process serves at all
 *   <li>{@code GET /health/ready}: 200 {@code ready} when no readiness condition is unmet, else 503 listing them
 *   <li>{@code GET /metrics}: the meters in the Prometheus text format
 * </ul>
 *
 * Listens only on the configured host, the loopback address by default.
 */
public final class HealthServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(HealthServer.class);

    /** What {@link PrometheusMeterRegistry#scrape()} writes: the Prometheus text format 0.0.4. */
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Javalin app;

    private HealthServer(Javalin app) {
        this.app = app;
    }

    /**
     * Starts serving.
     *
     * @param settings where to listen; port 0 takes any free port, see {@link #port()}
     * @param unmetReadiness what still keeps the worker from taking jobs, such as {@code model not loaded}; empty
     *     when ready. Called on every readiness probe, from HTTP threads.
     * @param registry the registry whose meters {@code /metrics} shows
     * @throws IllegalStateException if the address cannot be bound
     */
    public static HealthServer start(
            HttpSettings settings, Supplier<List<String>> unmetReadiness, PrometheusMeterRegistry registry) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.routes.get("/health/live", ctx -> ctx.result("live"));
            config.routes.get("/health/ready", ctx -> ready(ctx, unmetReadiness));
            config.routes.get(
                    "/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(registry.scrape()));
        });
        try {
            app.start();
        } catch (JavalinBindException e) {
            app.stop();
            throw new IllegalStateException(
                    "http: cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        return new HealthServer(app);
    }

    /** The port listened on: the configured one, or the one taken for port 0. */
    public int port() {
        return app.port();
    }

    /** Stops serving; the probes then fail to connect, which Kubernetes reads as down. */
    @Override
    public void close() {
        app.stop();
    }

    private static void ready(Context ctx, Supplier<List<String>> unmetReadiness) {
        List<String> unmet;
        try {
            unmet = unmetReadiness.get();
        } catch (RuntimeException e) {
            // a probe that cannot tell must not report ready; 503 rather than Javalin's 500 keeps the meaning
            log.warn("Readiness check failed", e);
            unmet = List.of("readiness check failed: " + e);
        }
        if (unmet.isEmpty()) {
            ctx.result("ready");
        } else {
            ctx.status(HttpStatus.SERVICE_UNAVAILABLE).result("not ready: " + String.join(", ", unmet));
        }
    }
}
