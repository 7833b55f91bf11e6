package io.kiln.dispatcher.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.util.JavalinBindException;
import io.kiln.dispatcher.config.ApiKey;
import io.kiln.dispatcher.config.HttpSettings;
import io.kiln.dispatcher.config.UploadSettings;
import io.kiln.dispatcher.metrics.ApiMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's HTTP API (docs/DISPATCHER.md): every route needs an API key but {@code GET /v1/health}, and each
 * key is held to its rate limit ({@link KeyGate}). The routes are in {@link JobRoutes}, {@link EventsRoute}, {@link
 * UploadRoutes}, {@link HealthRoute} and {@link OpenApiRoute}, which serves their description; every request is timed
 * into {@link ApiMetrics}.
 *
 * <p>Errors answer {@code {"code", "message"}}, or for an invalid request {@code {"errors": [{"field", "message"}]}}.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    /** The most a request's line and headers may take; Jetty answers 431 beyond it, before any route runs. */
    static final int MAX_HEADER_BYTES = 8 * 1024;

    private final Javalin app;
    private final AtomicBoolean closing;
    private final List<String> routes;

    private ApiServer(Javalin app, AtomicBoolean closing, List<String> routes) {
        this.app = app;
        this.closing = closing;
        this.routes = List.copyOf(routes);
    }

    /**
     * Starts serving.
     *
     * @throws IllegalStateException if the address cannot be bound
     */
    public static ApiServer start(
            HttpSettings settings, List<ApiKey> keys, ApiServices services, UploadSettings uploads) {
        KeyGate gate = new KeyGate(new Authenticator(keys), new KeyRateLimits(keys), services.metrics());
        AtomicBoolean closing = new AtomicBoolean();
        List<Routes> groups = List.of(
                new JobRoutes(services.jobs(), services.cancels(), services.links(), settings.maxBodyBytes()),
                new EventsRoute(services.jobs(), services.links(), closing),
                new UploadRoutes(services.uploads(), uploads),
                new HealthRoute(services.unmetReadiness()),
                new OpenApiRoute());
        // made inside create, where the router's settings are, by which its path parser matches as Javalin's does
        AtomicReference<RegisteredRoutes> registered = new AtomicReference<>();
        Javalin app = Javalin.create(config -> {
            RegisteredRoutes routes = new RegisteredRoutes(config.router);
            registered.set(routes);
            // a submission blocks until Kafka answers and an event stream until its job ends: on virtual threads,
            // neither holds a platform thread, so neither can starve the others of the pool
            config.concurrency.useVirtualThreads = true;
            config.jetty.modifyHttpConfiguration(http -> http.setRequestHeaderSize(MAX_HEADER_BYTES));
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.events.handlerAdded(routes::added);
            config.requestLogger.http((ctx, millis) -> services.metrics()
                    .request(ctx.method().name(), routes.templateOf(ctx), ctx.statusCode(), Duration.ofNanos((long)
                            (millis * 1e6))));
            config.routes.before(gate);
            groups.forEach(group -> group.addTo(config.routes));
            config.routes.exception(ApiException.class, (e, ctx) -> {
                if (e.field() != null) {
                    Responses.invalid(ctx, e.field(), e.getMessage());
                } else {
                    Responses.error(ctx, e.status(), e.code(), e.getMessage());
                }
            });
            config.routes.exception(Exception.class, (e, ctx) -> {
                log.error("Unexpected failure on {} {}", ctx.method(), ctx.path(), e);
                Responses.error(ctx, 500, "internal", "internal error");
            });
        });
        try {
            app.start();
        } catch (JavalinBindException e) {
            app.stop();
            throw new IllegalStateException(
                    "http: cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
        }
        return new ApiServer(app, closing, registered.get().names());
    }

    /** The port listened on: the configured one, or the one taken for port 0. */
    public int port() {
        return app.port();
    }

    /** The routes served, such as {@code GET /v1/jobs/{id}}: each method and path template as registered. */
    public List<String> routes() {
        return routes;
    }

    /**
     * Ends the event streams and stops. A request still in flight loses its connection; a client retrying it with
     * the same {@code job_id} is safe (docs/DISPATCHER.md, "Idempotency").
     */
    @Override
    public void close() {
        closing.set(true);
        app.stop();
    }

    /** The name of the key that made this request; every route but health has one. */
    static String keyName(Context ctx) {
        return ctx.attribute(KeyGate.KEY_NAME);
    }
}
