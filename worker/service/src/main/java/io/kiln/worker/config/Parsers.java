package io.kiln.worker.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Parsers for {@link ConfigValues}: each refuses a bad value with an {@link IllegalArgumentException} whose message
 * says what the value must be, without repeating the value.
 */
final class Parsers {
    private static final String DURATION_LIST_RULE =
            "must be a comma-separated list of durations such as 10s,1m,5m (or none)";

    private Parsers() {}

    static Function<String, Integer> integer(int min, int max) {
        String rule = max == Integer.MAX_VALUE
                ? "must be an integer ≥ " + min
                : "must be an integer from " + min + " to " + max;
        return text -> {
            try {
                int value = Integer.parseInt(text);
                if (value >= min && value <= max) {
                    return value;
                }
            } catch (NumberFormatException e) {
                // falls through to the rule, which says more than "For input string"
            }
            throw new IllegalArgumentException(rule);
        };
    }

    static Function<String, Boolean> bool() {
        return text -> switch (text.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("must be true or false");
        };
    }

    /** A duration from {@code min} to {@code max}, both included. */
    static Function<String, Duration> duration(Duration min, Duration max) {
        return text -> requireWithin(DurationText.parse(text), min, max);
    }

    /** A duration of at least {@code min}. */
    static Function<String, Duration> duration(Duration min) {
        return text -> requireWithin(DurationText.parse(text), min, null);
    }

    /** Comma-separated durations, each at least {@code min}; {@code none} for an empty list. */
    static Function<String, List<Duration>> durations(Duration min) {
        return text -> {
            if (text.equalsIgnoreCase("none")) {
                return List.of();
            }
            String[] items = text.split(",", -1);
            List<Duration> delays = new ArrayList<>();
            for (int i = 0; i < items.length; i++) {
                try {
                    delays.add(requireWithin(DurationText.parse(items[i]), min, null));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException(
                            DURATION_LIST_RULE + "; item " + (i + 1) + " " + e.getMessage(), e);
                }
            }
            return List.copyOf(delays);
        };
    }

    /** An {@code http} or {@code https} URI with a host. */
    static Function<String, URI> httpUri() {
        return text -> {
            try {
                URI uri = new URI(text);
                if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
                    return uri;
                }
            } catch (URISyntaxException e) {
                // falls through to the rule
            }
            throw new IllegalArgumentException("must be an http or https URI such as http://127.0.0.1:9000");
        };
    }

    /** Comma-separated {@code host:port} pairs, returned with the blanks around them removed. */
    static Function<String, String> hostPorts() {
        return text -> {
            List<String> pairs =
                    Arrays.stream(text.split(",", -1)).map(String::trim).toList();
            if (!pairs.stream().allMatch(Parsers::isHostPort)) {
                throw new IllegalArgumentException(
                        "must be comma-separated host:port pairs such as kafka-1:9092,kafka-2:9092");
            }
            return pairs.stream().collect(Collectors.joining(","));
        };
    }

    /** The text itself when {@code rule} holds, else {@code description} as the problem. */
    static Function<String, String> matching(Predicate<String> rule, String description) {
        return text -> {
            if (!rule.test(text)) {
                throw new IllegalArgumentException(description);
            }
            return text;
        };
    }

    private static boolean isHostPort(String pair) {
        int colon = pair.lastIndexOf(':');
        if (colon <= 0 || pair.substring(0, colon).isBlank()) {
            return false;
        }
        try {
            int port = Integer.parseInt(pair.substring(colon + 1));
            return port >= 1 && port <= 65_535;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static Duration requireWithin(Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0) {
            throw new IllegalArgumentException(
                    min.isZero() ? "must not be negative" : "must be at least " + DurationText.format(min));
        }
        if (max != null && value.compareTo(max) > 0) {
            throw new IllegalArgumentException("must be at most " + DurationText.format(max));
        }
        return value;
    }
}
