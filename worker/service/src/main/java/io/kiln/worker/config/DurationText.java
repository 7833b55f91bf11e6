package io.kiln.worker.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as operators write them: ISO-8601 ({@code PT10S}) or a whole number with a unit ({@code 200ms}, {@code
 * 10s}, {@code 5m}, {@code 1h}, {@code 7d}).
 */
final class DurationText {
    static final String EXAMPLES = "200ms, 10s, 5m, 1h or PT10S";

    private static final Pattern SHORT = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private record Unit(String suffix, long seconds) {}

    private static final List<Unit> WHOLE_SECOND_UNITS_LARGEST_FIRST =
            List.of(new Unit("d", 86_400), new Unit("h", 3_600), new Unit("m", 60), new Unit("s", 1));

    private DurationText() {}

    /** Parses {@code text}, or throws {@link IllegalArgumentException} saying which forms are accepted. */
    static Duration parse(String text) {
        String trimmed = text.trim().toLowerCase(Locale.ROOT);
        Matcher shortForm = SHORT.matcher(trimmed);
        try {
            if (!shortForm.matches()) {
                return Duration.parse(trimmed);
            }
            long amount = Long.parseLong(shortForm.group(1));
            return switch (shortForm.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                case "h" -> Duration.ofHours(amount);
                default -> Duration.ofDays(amount);
            };
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("must be a duration such as " + EXAMPLES, e);
        }
    }

    /** The shortest exact short form, such as {@code 7d}, {@code 90s} or {@code 200ms}; ISO-8601 for the rest. */
    static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.getNano() == 0) {
            long seconds = duration.getSeconds();
            for (Unit unit : WHOLE_SECOND_UNITS_LARGEST_FIRST) {
                if (seconds % unit.seconds() == 0) {
                    return seconds / unit.seconds() + unit.suffix();
                }
            }
        }
        if (duration.getNano() % 1_000_000 == 0 && Math.abs(duration.getSeconds()) < Long.MAX_VALUE / 1_000) {
            return duration.toMillis() + "ms";
        }
        return duration.toString();
    }
}
