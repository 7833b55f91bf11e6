package io.kiln.dispatcher.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.util.JavalinBindException;
import io.kiln.dispatcher.config.ApiKey;
import io.kiln.dispatcher.config.HttpSettings;
import io.kiln.dispatcher.metrics.ApiMetrics;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's HTTP API (docs/DISPATCHER.md): every route needs an API key but {@code GET /v1/health}, and each
 * key is held to its rate limit ({@link KeyGate}). The routes are in {@link JobRoutes}, {@link HealthRoute} and
 * {@link OpenApiRoute}, which serves their description; every request is timed into {@link ApiMetrics}.
 *
 * <p>Errors answer {@code {"code", "message"}}, or for an invalid request {@code {"errors": [{"field", "message"}]}}.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);

    private final Javalin app;
    private final List<String> routes;

    private ApiServer(Javalin app, List<String> routes) {
        this.app = app;
        this.routes = List.copyOf(routes);
    }

    /**
     * Starts serving.
     *
     * @throws IllegalStateException if the address cannot be bound
     */
    public static ApiServer start(HttpSettings settings, List<ApiKey> keys, ApiServices services) {
        KeyGate gate = new KeyGate(new Authenticator(keys), new KeyRateLimits(keys), services.metrics());
        List<Routes> groups = List.of(
                new JobRoutes(services.jobs(), services.cancels(), settings.maxBodyBytes()),
                new HealthRoute(services.unmetReadiness()),
                new OpenApiRoute());
        // made inside create, where the router's settings are, by which its path parser matches as Javalin's does
        AtomicReference<RegisteredRoutes> registered = new AtomicReference<>();
        Javalin app = Javalin.create(config -> {
            RegisteredRoutes routes = new RegisteredRoutes(config.router);
            registered.set(routes);
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
            config.routes.exception(
                    ApiException.class, (e, ctx) -> Responses.error(ctx, e.status(), e.code(), e.getMessage()));
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
        return new ApiServer(app, registered.get().names());
    }

    /** The port listened on: the configured one, or the one taken for port 0. */
    public int port() {
        return app.port();
    }

    /** The routes served, such as {@code GET /v1/jobs/{id}}: each method and path template as registered. */
    public List<String> routes() {
        return routes;
    }

    @Override
    public void close() {
        app.stop();
    }

    /** The name of the key that made this request; every route but health has one. */
    static String keyName(Context ctx) {
        return ctx.attribute(KeyGate.KEY_NAME);
    }
}
