package io.kiln.contracts;

import java.util.ArrayList;
import java.util.List;

/** Gathers every broken rule so callers can report them all at once. */
final class ViolationCollector {
    private final List<Violation> violations = new ArrayList<>();

    /** Records a violation of {@code rule} on {@code field} unless {@code holds}. */
    void require(boolean holds, String field, String rule) {
        if (!holds) {
            add(field, rule);
        }
    }

    void add(String field, String rule) {
        violations.add(new Violation(field, rule));
    }

    List<Violation> violations() {
        return List.copyOf(violations);
    }

    void throwIfAny() {
        if (!violations.isEmpty()) {
            throw new InvalidRequestException(violations);
        }
    }
}
