package io.kiln.contracts;

import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.github.f4b6a3.uuid.UuidCreator;
import java.net.URI;
import java.time.Instant;
import java.util.Objects;

/**
 * A {@link JobEvent} in a CloudEvents 1.0 envelope, structured JSON mode: the message on {@link Topics#EVENTS}.
 *
 * <p>The CloudEvents {@code type} attribute is not a component: it is derived from the kind of {@code data}, so the
 * two can never disagree.
 *
 * @param specversion always {@value #SPEC_VERSION}
 * @param id unique per event: a UUIDv7, so ids sort by creation time
 * @param source who emitted the event, as a URI reference such as {@code /kiln/workers/gpu-0}
 * @param subject the job id
 * @param time when it happened
 * @param datacontenttype always {@value #DATA_CONTENT_TYPE}
 * @param data the event itself
 */
public record JobEventEnvelope(
        String specversion,
        String id,
        URI source,
        String subject,
        Instant time,
        String datacontenttype,

        @JsonTypeInfo(use = JsonTypeInfo.Id.NAME, include = JsonTypeInfo.As.EXTERNAL_PROPERTY, property = "type")
        JobEvent data) {

    /** The CloudEvents version of the envelope. */
    public static final String SPEC_VERSION = "1.0";
    /** The media type of {@code data}. */
    public static final String DATA_CONTENT_TYPE = "application/json";

    public JobEventEnvelope {
        requireEquals(SPEC_VERSION, specversion, "specversion");
        requireNotBlank(id, "id");
        Objects.requireNonNull(source, "source");
        requireNotBlank(source.toString(), "source");
        requireNotBlank(subject, "subject");
        Objects.requireNonNull(time, "time");
        requireEquals(DATA_CONTENT_TYPE, datacontenttype, "datacontenttype");
        Objects.requireNonNull(data, "data");
    }

    /** Wraps {@code data} about job {@code jobId} in a new envelope with a fresh id. */
    public static JobEventEnvelope of(URI source, String jobId, Instant time, JobEvent data) {
        return new JobEventEnvelope(
                SPEC_VERSION,
                UuidCreator.getTimeOrderedEpoch().toString(),
                source,
                jobId,
                time,
                DATA_CONTENT_TYPE,
                data);
    }

    /** The CloudEvents {@code type}, such as {@value JobEvent#TYPE_SUCCEEDED}. */
    public String type() {
        return data.type();
    }

    private static void requireEquals(String expected, String actual, String attribute) {
        if (!expected.equals(actual)) {
            throw new IllegalArgumentException(attribute + " must be " + expected + ": " + actual);
        }
    }

    private static void requireNotBlank(String value, String attribute) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(attribute + " must not be blank");
        }
    }
}
