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

    /** Answers 400 with {@code {"errors": [{"field", "message"}]}}, the shape of every invalid input. */
    static void invalid(Context ctx, String field, String rule) {
        ObjectNode answer = object();
        answer.putArray("errors").addObject().put("field", field).put("message", rule);
        json(ctx, 400, answer);
    }

    static void error(Context ctx, int status, String code, String message) {
        json(ctx, status, object().put("code", code).put("message", message));
    }
}
