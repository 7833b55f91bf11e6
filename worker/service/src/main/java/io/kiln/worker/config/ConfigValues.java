package io.kiln.worker.config;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Typed reads of the raw settings. A value that does not parse is recorded as a problem naming its key, and the read
 * carries on, so that one load reports every bad setting.
 */
final class ConfigValues {
    private final Map<String, String> values;
    private final Problems problems;

    ConfigValues(Map<String, String> values, Problems problems) {
        this.values = Map.copyOf(values);
        this.problems = problems;
    }

    Optional<String> text(ConfigKey key) {
        return Optional.ofNullable(values.get(key.property()));
    }

    String text(ConfigKey key, String fallback) {
        return text(key).orElse(fallback);
    }

    /** The value, or empty with a problem recorded when it is missing. */
    Optional<String> required(ConfigKey key) {
        Optional<String> value = text(key);
        if (value.isEmpty()) {
            problem(key, "must be set (or environment variable " + key.envName() + ")");
        }
        return value;
    }

    /**
     * The parsed value; empty when the key is not set, or when {@code parser} refuses the value by throwing an {@link
     * IllegalArgumentException} whose message says what the value must be.
     */
    <T> Optional<T> parsed(ConfigKey key, Function<String, T> parser) {
        return text(key).flatMap(raw -> parse(key.property(), raw, parser));
    }

    <T> T parsed(ConfigKey key, T fallback, Function<String, T> parser) {
        return parsed(key, parser).orElse(fallback);
    }

    /**
     * The parsed value, {@code fallback} when the key is not set, or empty when the value is refused: for checks
     * across keys, which must not compare against a stand-in for a refused value.
     */
    <T> Optional<T> valid(ConfigKey key, T fallback, Function<String, T> parser) {
        return text(key).isEmpty() ? Optional.of(fallback) : parsed(key, parser);
    }

    /** Like {@link #parsed(ConfigKey, Function)}, and a problem is recorded when the key is missing. */
    <T> Optional<T> requiredParsed(ConfigKey key, Function<String, T> parser) {
        return required(key).flatMap(raw -> parse(key.property(), raw, parser));
    }

    /** The settings under {@code prefix}, by the rest of their key. */
    Map<String, String> withPrefix(String prefix) {
        Map<String, String> found = new TreeMap<>();
        values.forEach((key, value) -> {
            if (key.startsWith(prefix)) {
                found.put(key.substring(prefix.length()), value);
            }
        });
        return found;
    }

    void problem(ConfigKey key, String problem) {
        problems.add(key.property(), problem);
    }

    void problem(String key, String problem) {
        problems.add(key, problem);
    }

    private <T> Optional<T> parse(String key, String raw, Function<String, T> parser) {
        try {
            return Optional.of(parser.apply(raw));
        } catch (IllegalArgumentException e) {
            String shown = Secrets.isSecret(key) ? "" : ", was '" + raw + "'";
            problems.add(key, e.getMessage() + shown);
            return Optional.empty();
        }
    }
}
