package io.kiln.engine.model.load;

import java.util.ArrayList;
import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * Typed reads of a component's {@code config.json}. diffusers and transformers write only the values that differ
 * from their defaults, so an absent field takes the caller's default; a present one of the wrong type is an error
 * naming the field, never silently replaced.
 */
public final class ConfigJson {
    private ConfigJson() {}

    /** An integer field. */
    public static int integer(JsonNode config, String field, int fallback) {
        JsonNode value = config.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!value.isIntegralNumber() || !value.canConvertToInt()) {
            throw new IllegalArgumentException(field + ": must be an integer, got " + value);
        }
        return value.intValue();
    }

    /** A list of integers. */
    public static List<Integer> integers(JsonNode config, String field, List<Integer> fallback) {
        JsonNode values = config.path(field);
        if (values.isMissingNode() || values.isNull()) {
            return fallback;
        }
        if (!values.isArray()) {
            throw new IllegalArgumentException(field + ": must be a list of integers, got " + values);
        }
        List<Integer> list = new ArrayList<>();
        for (JsonNode value : values) {
            if (!value.isIntegralNumber() || !value.canConvertToInt()) {
                throw new IllegalArgumentException(field + ": must be a list of integers, got " + values);
            }
            list.add(value.intValue());
        }
        return list;
    }

    /** A number field. */
    public static double number(JsonNode config, String field, double fallback) {
        JsonNode value = config.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!value.isNumber()) {
            throw new IllegalArgumentException(field + ": must be a number, got " + value);
        }
        return value.doubleValue();
    }

    /** A boolean field. */
    public static boolean bool(JsonNode config, String field, boolean fallback) {
        JsonNode value = config.path(field);
        if (value.isMissingNode() || value.isNull()) {
            return fallback;
        }
        if (!value.isBoolean()) {
            throw new IllegalArgumentException(field + ": must be true or false, got " + value);
        }
        return value.booleanValue();
    }

    /** Adds "field: must be ≥ 1" to {@code bad} when {@code value} is not positive. */
    public static void positive(List<String> bad, String field, int value) {
        if (value < 1) {
            bad.add(field + ": must be ≥ 1, got " + value);
        }
    }
}
