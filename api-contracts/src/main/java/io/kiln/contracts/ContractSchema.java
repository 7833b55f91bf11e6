package io.kiln.contracts;

import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

/** The JSON Schemas (draft 2020-12) of the wire contracts, shipped as resources in this jar. */
public enum ContractSchema {
    /** Schema of {@link GenerationRequest} documents; allows unknown properties. */
    GENERATION_REQUEST("generation-request.schema.json"),
    /** Schema of {@link JobEventEnvelope} documents. */
    JOB_EVENT("job-event.schema.json");

    private final String fileName;

    ContractSchema(String fileName) {
        this.fileName = fileName;
    }

    /** The classpath resource name, such as {@code io/kiln/contracts/schema/generation-request.schema.json}. */
    public String resourceName() {
        return "io/kiln/contracts/schema/" + fileName;
    }

    /** Opens the schema; the caller closes the stream. */
    public InputStream open() {
        InputStream stream = ContractSchema.class.getClassLoader().getResourceAsStream(resourceName());
        if (stream == null) {
            throw new UncheckedIOException(new NoSuchFileException(resourceName()));
        }
        return stream;
    }
}
