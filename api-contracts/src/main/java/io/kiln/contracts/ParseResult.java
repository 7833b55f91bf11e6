package io.kiln.contracts;

import java.util.List;
import java.util.Objects;

/** What {@link RequestParser} made of a document: a valid request, or every reason it is not one. */
public sealed interface ParseResult {

    /** The document is a valid request; defaults are applied. */
    record Valid(GenerationRequest request) implements ParseResult {
        public Valid {
            Objects.requireNonNull(request, "request");
        }
    }

    /** The document is not a valid request; {@code violations} is never empty. */
    record Invalid(List<Violation> violations) implements ParseResult {
        public Invalid {
            violations = List.copyOf(violations);
            if (violations.isEmpty()) {
                throw new IllegalArgumentException("an invalid request has at least one violation");
            }
        }
    }
}
