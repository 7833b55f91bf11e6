package io.kiln.contracts;

import java.util.Objects;

/**
 * One broken rule of a request.
 *
 * @param field the snake_case wire name of the field, dotted for nested fields ({@code metadata.owner}), or
 *     {@link #DOCUMENT} when the document as a whole is at fault
 * @param rule what the field must satisfy, in words
 */
public record Violation(String field, String rule) {
    /** The field name used for faults of the whole document, such as malformed JSON. */
    public static final String DOCUMENT = "$";

    public Violation {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(rule, "rule");
    }

    /** Returns {@code field: rule}. */
    @Override
    public String toString() {
        return field + ": " + rule;
    }
}
