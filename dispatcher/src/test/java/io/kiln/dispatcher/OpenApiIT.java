package io.kiln.dispatcher;

import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static io.kiln.dispatcher.DispatcherKit.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.Error;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.kiln.contracts.ContractSchema;
import io.kiln.contracts.JsonCodec;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.io.InputStream;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * {@code GET /openapi.json} against the routes the running dispatcher registered, both ways, and the answers of the
 * live API against the document's schemas. A route added to the server needs its entry in
 * {@code dispatcher/src/main/resources/io/kiln/dispatcher/http/openapi.json}.
 */
@KilnInfra
class OpenApiIT {
    private static final Set<String> METHODS =
            Set.of("get", "put", "post", "delete", "options", "head", "patch", "trace");
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(
                    SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    private static DispatcherKit kit;
    private static Dispatcher dispatcher;
    private static JsonNode document;

    @BeforeAll
    static void start(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        kit = new DispatcherKit(kafka, s3);
        dispatcher = kit.startReady();
        var response = kit.get(dispatcher, "/openapi.json", ALPHA_KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
        document = json(response);
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    @Test
    void documentsEveryRegisteredRouteAndNoOther() {
        Set<String> documented = new TreeSet<>();
        document.get("paths")
                .properties()
                .forEach(path -> path.getValue().propertyNames().forEach(method -> {
                    if (METHODS.contains(method)) {
                        documented.add(method.toUpperCase(java.util.Locale.ROOT) + " " + path.getKey());
                    }
                }));
        Set<String> registered = new TreeSet<>(dispatcher.routes());

        assertThat(document.get("openapi").asString()).isEqualTo("3.1.0");
        assertThat(registered).contains("POST /v1/jobs", "GET /v1/jobs/{id}", "GET /v1/health", "GET /openapi.json");
        assertThat(documented)
                .as("routes the server registered but openapi.json does not describe")
                .containsAll(registered);
        assertThat(registered)
                .as("routes openapi.json describes but the server does not serve")
                .containsAll(documented);
    }

    @Test
    void theRequestSchemaIsTheContractsOwn() throws Exception {
        try (InputStream contract = ContractSchema.GENERATION_REQUEST.open()) {
            assertThat(document.get("components").get("schemas").get("GenerationRequest"))
                    .isEqualTo(JsonCodec.mapper().readTree(contract));
        }
    }

    @Test
    void liveAnswersMatchTheDocumentsSchemas() throws Exception {
        var accepted = kit.submit(dispatcher, ALPHA_KEY, "{\"prompt\": \"a red fox\", \"width\": 64, \"height\": 64}");
        assertThat(accepted.statusCode()).isEqualTo(202);
        assertThat(errors("Accepted", json(accepted))).isEmpty();

        var status =
                kit.get(dispatcher, "/v1/jobs/" + json(accepted).get("job_id").asString(), ALPHA_KEY);
        assertThat(status.statusCode()).isEqualTo(200);
        assertThat(errors("JobStatus", json(status))).isEmpty();

        var missing = kit.get(dispatcher, "/v1/jobs/none", ALPHA_KEY);
        assertThat(errors("Error", json(missing))).isEmpty();
        var invalid = kit.submit(dispatcher, ALPHA_KEY, "{\"width\": 3}");
        assertThat(errors("Violations", json(invalid))).isEmpty();
        assertThat(errors("Health", json(kit.get(dispatcher, "/v1/health", null))))
                .isEmpty();
    }

    private static List<String> errors(String schema, JsonNode answer) {
        return SCHEMAS.getSchema(document.get("components").get("schemas").get(schema)).validate(answer).stream()
                .map(Error::toString)
                .toList();
    }
}
