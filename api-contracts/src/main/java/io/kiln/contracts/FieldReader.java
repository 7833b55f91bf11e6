package io.kiln.contracts;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;

/**
 * Reads the fields of one JSON object one at a time, so that a field of the wrong type is reported and the others
 * are still read. Absent fields and {@code null} values read as empty. Types follow JSON Schema: an integer is any
 * number without a fractional part, {@code 512.0} included.
 */
final class FieldReader {
    private final JsonNode object;
    private final ViolationCollector violations = new ViolationCollector();

    FieldReader(JsonNode object) {
        this.object = object;
    }

    Optional<Integer> integer(String field) {
        return read(
                field,
                "must be a 32-bit integer",
                node -> isIntegral(node) && node.canConvertToInt() ? Optional.of(node.intValue()) : Optional.empty());
    }

    Optional<Long> longInteger(String field) {
        return read(
                field,
                "must be a 64-bit integer",
                node -> isIntegral(node) && node.canConvertToLong() ? Optional.of(node.longValue()) : Optional.empty());
    }

    Optional<Double> number(String field) {
        return read(
                field,
                "must be a number",
                node -> node.isNumber() ? Optional.of(node.doubleValue()) : Optional.empty());
    }

    Optional<String> string(String field) {
        return read(field, "must be a string", FieldReader::text);
    }

    /** Reads one of {@code values} by its wire name; the rule lists the allowed names. */
    <E> Optional<E> oneOf(String field, E[] values, Function<E, String> wireName) {
        String allowed = Arrays.stream(values).map(wireName).collect(Collectors.joining(", "));
        return read(field, "must be one of: " + allowed, node -> text(node).flatMap(name -> Arrays.stream(values)
                .filter(value -> wireName.apply(value).equals(name))
                .findFirst()));
    }

    Optional<Instant> instant(String field) {
        return read(
                field, "must be an ISO-8601 instant with an offset, such as 2026-05-01T12:00:00Z", node -> text(node)
                        .flatMap(FieldReader::parseInstant));
    }

    Optional<S3Uri> s3Uri(String field) {
        return read(field, "must be an s3://bucket/key URI", node -> text(node).flatMap(FieldReader::parseS3Uri));
    }

    /** Reads an object of strings; each entry of another type is reported under {@code field.key}. */
    Optional<Map<String, String>> stringMap(String field) {
        Optional<JsonNode> node = present(field);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        if (!node.get().isObject()) {
            violations.add(field, "must be an object with string values");
            return Optional.empty();
        }
        Map<String, String> entries = new LinkedHashMap<>();
        boolean allStrings = true;
        for (Map.Entry<String, JsonNode> entry : node.get().properties()) {
            if (entry.getValue().isString()) {
                entries.put(entry.getKey(), entry.getValue().stringValue());
            } else {
                violations.add(field + "." + entry.getKey(), "must be a string");
                allStrings = false;
            }
        }
        return allStrings ? Optional.of(entries) : Optional.empty();
    }

    /** Type violations found so far. */
    List<Violation> violations() {
        return violations.violations();
    }

    private <T> Optional<T> read(String field, String rule, Function<JsonNode, Optional<T>> convert) {
        Optional<JsonNode> node = present(field);
        if (node.isEmpty()) {
            return Optional.empty();
        }
        Optional<T> value = convert.apply(node.get());
        if (value.isEmpty()) {
            violations.add(field, rule);
        }
        return value;
    }

    private Optional<JsonNode> present(String field) {
        return Optional.ofNullable(object.get(field)).filter(node -> !node.isNull());
    }

    private static boolean isIntegral(JsonNode node) {
        return node.isNumber() && node.canConvertToExactIntegral();
    }

    private static Optional<String> text(JsonNode node) {
        return node.isString() ? Optional.of(node.stringValue()) : Optional.empty();
    }

    private static Optional<Instant> parseInstant(String text) {
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    private static Optional<S3Uri> parseS3Uri(String text) {
        try {
            return Optional.of(S3Uri.parse(text));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }
}
