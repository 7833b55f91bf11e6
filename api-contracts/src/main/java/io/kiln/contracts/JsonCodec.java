package io.kiln.contracts;

import com.fasterxml.jackson.annotation.JsonInclude;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.cfg.DateTimeFeature;
import tools.jackson.databind.cfg.EnumFeature;
import tools.jackson.databind.json.JsonMapper;

/**
 * The one JSON configuration for every Kiln message, requests and events alike. Names come from annotations on the
 * contract types; instants are ISO-8601 strings; absent values are left out rather than written as {@code null}.
 */
public final class JsonCodec {
    private static final JsonMapper MAPPER = JsonMapper.builder()
            // Forward compatibility: a message from a newer producer may carry fields this version does not know.
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            // Likewise for error codes added later: they read as ErrorCode.INTERNAL.
            .enable(EnumFeature.READ_UNKNOWN_ENUM_VALUES_USING_DEFAULT_VALUE)
            // A repeated key is ambiguous (which prompt was meant?), so it is malformed input, not "last one wins".
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .disable(DateTimeFeature.WRITE_DATES_AS_TIMESTAMPS)
            // Absent optional fields stay absent, so a written message reads back equal.
            .changeDefaultPropertyInclusion(inclusion -> inclusion.withValueInclusion(JsonInclude.Include.NON_NULL))
            .build();

    private JsonCodec() {}

    /** The shared, immutable mapper; safe to use from any thread. */
    public static JsonMapper mapper() {
        return MAPPER;
    }

    /** Serializes a request as UTF-8 JSON. */
    public static byte[] write(GenerationRequest request) {
        return MAPPER.writeValueAsBytes(request);
    }

    /** Serializes an event envelope as UTF-8 JSON. */
    public static byte[] write(JobEventEnvelope event) {
        return MAPPER.writeValueAsBytes(event);
    }

    /** Serializes a cancel command as UTF-8 JSON. */
    public static byte[] write(CancelCommand command) {
        return MAPPER.writeValueAsBytes(command);
    }

    /**
     * Reads a cancel command.
     *
     * @throws JacksonException if the JSON is malformed or is not a cancel command
     */
    public static CancelCommand readCancel(byte[] json) {
        return MAPPER.readValue(json, CancelCommand.class);
    }

    /**
     * Reads an event envelope.
     *
     * @throws JacksonException if the JSON is malformed or is not a valid event
     */
    public static JobEventEnvelope readEvent(byte[] json) {
        return MAPPER.readValue(json, JobEventEnvelope.class);
    }
}
