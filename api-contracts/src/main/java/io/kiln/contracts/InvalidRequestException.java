package io.kiln.contracts;

import java.util.List;
import java.util.stream.Collectors;

/** Thrown when a {@link GenerationRequest} would break contract rules; carries every violation, not just the first. */
public final class InvalidRequestException extends IllegalArgumentException {
    private final List<Violation> violations;

    /** Creates the exception; {@code violations} must not be empty. */
    public InvalidRequestException(List<Violation> violations) {
        super(violations.stream().map(Violation::toString).collect(Collectors.joining("; ")));
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("an invalid request has at least one violation");
        }
        this.violations = List.copyOf(violations);
    }

    /** Every violation, in the order the fields are declared. */
    public List<Violation> violations() {
        return violations;
    }
}
