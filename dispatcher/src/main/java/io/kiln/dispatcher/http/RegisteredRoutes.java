package io.kiln.dispatcher.http;

import io.javalin.config.RouterConfig;
import io.javalin.event.HandlerMetaInfo;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import io.javalin.router.Endpoint;
import io.javalin.router.matcher.PathParser;
import io.kiln.dispatcher.metrics.ApiMetrics;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The routes the server registered, as Javalin announces them, and which of them a request asked for. A request
 * refused before its route ran (401, 429) has no matched route in Javalin yet, so it is matched here, with Javalin's
 * own path parser: it still counts under {@code /v1/jobs/{id}}, not under a path per job.
 */
final class RegisteredRoutes {
    private record Route(HandlerType method, String path, PathParser parser) {}

    private final RouterConfig router;
    private final List<Route> routes = new CopyOnWriteArrayList<>();

    RegisteredRoutes(RouterConfig router) {
        this.router = router;
    }

    /** Notes a handler Javalin added; filters (before, after) are not routes. */
    void added(HandlerMetaInfo handler) {
        if (handler.getHttpMethod().isHttpMethod()) {
            routes.add(
                    new Route(handler.getHttpMethod(), handler.getPath(), new PathParser(handler.getPath(), router)));
        }
    }

    /** Each route as {@code GET /v1/jobs/{id}}, in the order registered. */
    List<String> names() {
        return routes.stream()
                .map(route -> route.method().name() + " " + route.path())
                .toList();
    }

    /** The template of the route {@code ctx} asked for, such as {@code /v1/jobs/{id}}, or {@link ApiMetrics#UNMATCHED}. */
    String templateOf(Context ctx) {
        Endpoint matched = ctx.endpoints().matchedHttpEndpoint();
        if (matched != null) {
            return matched.path;
        }
        return routes.stream()
                .filter(route ->
                        route.method().equals(ctx.method()) && route.parser().matches(ctx.path()))
                .map(Route::path)
                .findFirst()
                .orElse(ApiMetrics.UNMATCHED);
    }
}
