package io.kiln.worker.config;

import java.util.List;

/**
 * The worker configuration has problems; all of them are listed, not just the first, each as {@code key: problem}
 * naming the property key. Never shows a secret's value.
 */
public final class InvalidConfigException extends Exception {
    private static final long serialVersionUID = 1L;

    private final List<String> problems;

    /** @param problems one {@code key: problem} line each; at least one */
    public InvalidConfigException(List<String> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems);
    }

    /** Every problem found, one {@code key: problem} line each, in the order they were found. */
    public List<String> problems() {
        return problems;
    }

    private static String message(List<String> problems) {
        if (problems.isEmpty()) {
            throw new IllegalArgumentException("problems: must name at least one problem");
        }
        String count = problems.size() == 1 ? "1 problem" : problems.size() + " problems";
        return "Invalid worker configuration, " + count + ":\n" + String.join("\n", problems);
    }
}
