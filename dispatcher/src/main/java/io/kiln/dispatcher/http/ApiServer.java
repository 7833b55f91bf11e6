package io.kiln.dispatcher.http;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.util.JavalinBindException;
import io.kiln.dispatcher.config.ApiKey;
import io.kiln.dispatcher.config.HttpSettings;
import io.kiln.dispatcher.config.UploadSettings;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dispatcher's HTTP API (docs/DISPATCHER.md): every route needs an API key but {@code GET /v1/health}. The routes
 * are in {@link JobRoutes}, {@link UploadRoutes} and {@link HealthRoute}.
 *
 * <p>Errors answer {@code {"code", "message"}}, or for an invalid request {@code {"errors": [{"field", "message"}]}}.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ApiServer.class);
    private static final String KEY_NAME = "kiln.key-name";

    private final Javalin app;

    private ApiServer(Javalin app) {
        this.app = app;
    }

    /**
     * Starts serving.
     *
     * @throws IllegalStateException if the address cannot be bound
     */
    public static ApiServer start(
            HttpSettings settings, List<ApiKey> keys, ApiServices services, UploadSettings uploads) {
        Authenticator authenticator = new Authenticator(keys);
        List<Routes> routes = List.of(
                new JobRoutes(services.jobs(), services.cancels(), services.links(), settings.maxBodyBytes()),
                new HealthRoute(services.unmetReadiness()),
                new UploadRoutes(services.uploads(), uploads));
        Javalin app = Javalin.create(config -> {
            config.startup.showJavalinBanner = false;
            config.startup.showOldJavalinVersionWarning = false;
            config.jetty.host = settings.host();
            config.jetty.port = settings.port();
            config.http.maxRequestSize = settings.maxBodyBytes();
            config.routes.before(ctx -> authenticate(ctx, authenticator));
            routes.forEach(group -> group.addTo(config.routes));
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

    /** The name of the key that made this request; every route but health has one. */
    static String keyName(Context ctx) {
        return ctx.attribute(KEY_NAME);
    }

    private static void authenticate(Context ctx, Authenticator authenticator) {
        if (ctx.path().equals(HealthRoute.PATH)) {
            return;
        }
        String keyName = authenticator
                .keyName(ctx.header("Authorization"))
                .orElseThrow(() ->
                        new ApiException(401, "unauthorized", "send a valid API key as 'Authorization: Bearer <key>'"));
        ctx.attribute(KEY_NAME, keyName);
    }
}
