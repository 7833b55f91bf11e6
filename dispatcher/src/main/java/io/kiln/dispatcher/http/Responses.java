package io.kiln.dispatcher.http;

import io.javalin.http.Context;
import io.kiln.contracts.JsonCodec;
import tools.jackson.databind.node.ObjectNode;

/** How every route answers: JSON bodies, and errors as {@code {"code", "message"}}. */
final class Responses {
    static final String JSON = "application/json";

    private Responses() {}

    static ObjectNode object() {
        return JsonCodec.mapper().createObjectNode();
    }

    /** Answers {@code body}, a JSON tree or a record of the contracts, as JSON. */
    static void json(Context ctx, int status, Object body) {
        ctx.status(status).contentType(JSON).result(JsonCodec.mapper().writeValueAsBytes(body));
    }

    static void error(Context ctx, int status, String code, String message) {
        json(ctx, status, object().put("code", code).put("message", message));
    }
}
