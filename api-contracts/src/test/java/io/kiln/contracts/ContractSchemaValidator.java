package io.kiln.contracts;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/** Validates documents against a shipped JSON Schema with the networknt validator. */
final class ContractSchemaValidator {
    // Draft 2020-12 treats "format" as an annotation unless told otherwise; the contracts rely on date-time checks.
    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(
            SpecificationVersion.DRAFT_2020_12,
            builder -> builder.schemaRegistryConfig(
                    SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    private final Schema schema;

    ContractSchemaValidator(ContractSchema contract) {
        try (InputStream in = contract.open()) {
            this.schema = REGISTRY.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The schema's complaints about {@code json}; empty when it conforms. */
    List<String> errors(String json) {
        return schema.validate(JsonCodec.mapper().readTree(json)).stream()
                .map(Error::toString)
                .toList();
    }

    /** The 2020-12 meta-schema's complaints about the schema itself. */
    static List<String> metaSchemaErrors(ContractSchema contract) {
        try (InputStream in = contract.open()) {
            Schema metaSchema =
                    REGISTRY.getSchema(SchemaLocation.of(SpecificationVersion.DRAFT_2020_12.getDialectId()));
            return metaSchema.validate(JsonCodec.mapper().readTree(in)).stream()
                    .map(Error::toString)
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
