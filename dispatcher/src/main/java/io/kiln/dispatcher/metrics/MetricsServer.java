package io.kiln.dispatcher.metrics;

import io.javalin.Javalin;
import io.javalin.util.JavalinBindException;
import io.kiln.dispatcher.config.MetricsSettings;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/**
 * {@code GET /metrics}: the meters in the Prometheus text format, on a port of its own and without a key, as a
 * platform's scraper expects; the API's port keeps asking every caller but the health check for one.
 */
public final class MetricsServer implements AutoCloseable {
    /** What {@link PrometheusMeterRegistry#scrape()} writes: the Prometheus text format 0.0.4. */
    private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

    private final Javalin app;

    private MetricsServer(Javalin app) {
        this.app = app;
    }

    /**
     * Starts serving {@code registry}'s meters.
     *
     * @throws IllegalStateException if the address cannot be bound
     */
    public static MetricsServer start(MetricsSettings settings, PrometheusMeterRegistry registry) {
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.routes.get(
                    "/metrics", ctx -> ctx.contentType(PROMETHEUS_TEXT).result(registry.scrape()));
        });
        try {
            app.start();
        } catch (JavalinBindException e) {
            app.stop();
            throw new IllegalStateException(
                    "metrics: cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        return new MetricsServer(app);
    }

    /** The port listened on: the configured one, or the one taken for port 0. */
    public int port() {
        return app.port();
    }

    @Override
    public void close() {
        app.stop();
    }
}
