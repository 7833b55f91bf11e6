package io.kiln.dispatcher.http;

import io.javalin.config.RoutesConfig;
import io.kiln.contracts.ContractSchema;
import io.kiln.contracts.JsonCodec;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code GET /openapi.json}: the OpenAPI 3.1 description of this API, behind a key like every route but health.
 *
 * <p>The document is {@value #RESOURCE}, written by hand, with the contracts' own JSON Schema of a generation request
 * (draft 2020-12, which OpenAPI 3.1 takes as it is) put in as {@code components.schemas.GenerationRequest} when the
 * server starts, so the two cannot drift apart. A route added to the server is added to that file too: a test fails
 * while the routes and the document differ.
 */
final class OpenApiRoute implements Routes {
    static final String PATH = "/openapi.json";
    static final String RESOURCE = "io/kiln/dispatcher/http/openapi.json";

    private final byte[] document;

    OpenApiRoute() {
        this.document = JsonCodec.mapper().writeValueAsBytes(document());
    }

    @Override
    public void addTo(RoutesConfig routes) {
        routes.get(PATH, ctx -> ctx.contentType(Responses.JSON).result(document));
    }

    /** The served document: the hand-written one with the request's schema from the contracts. */
    static ObjectNode document() {
        ObjectNode document =
                (ObjectNode) read(OpenApiRoute.class.getClassLoader().getResourceAsStream(RESOURCE));
        JsonNode request = read(ContractSchema.GENERATION_REQUEST.open());
        ((ObjectNode) document.get("components").get("schemas")).set("GenerationRequest", request);
        return document;
    }

    private static JsonNode read(InputStream resource) {
        if (resource == null) {
            throw new IllegalStateException(RESOURCE + " is missing from the dispatcher's jar");
        }
        try (InputStream in = resource) {
            return JsonCodec.mapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
