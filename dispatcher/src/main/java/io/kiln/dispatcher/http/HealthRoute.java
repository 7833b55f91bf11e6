package io.kiln.dispatcher.http;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.node.ObjectNode;

/** {@code GET /v1/health}: 200 when ready, else 503 with what is missing; the only route without a key. */
final class HealthRoute implements Routes {
    static final String PATH = "/v1/health";
    private static final Logger log = LoggerFactory.getLogger(HealthRoute.class);

    private final Supplier<List<String>> unmetReadiness;

    HealthRoute(Supplier<List<String>> unmetReadiness) {
        this.unmetReadiness = unmetReadiness;
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get(PATH, this::health);
    }

    private void health(Context ctx) {
        List<String> unmet;
        try {
            unmet = unmetReadiness.get();
        } catch (RuntimeException e) {
            // a probe that cannot tell must not report ready
            log.warn("Readiness check failed", e);
            unmet = List.of("readiness check failed");
        }
        ObjectNode answer = Responses.object();
        answer.put("status", unmet.isEmpty() ? "ready" : "not_ready");
        unmet.forEach(answer.putArray("unmet")::add);
        Responses.json(ctx, unmet.isEmpty() ? 200 : 503, answer);
    }
}
