package io.kiln.dispatcher.config;

import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How many requests one API key may make: {@code permits} in each {@code period}, written {@code 200/s},
 * {@code 600/min} or {@code 5000/h}.
 *
 * <p>Requests are counted in fixed windows of one period (resilience4j's {@code RateLimiter}): a key may spend a
 * window's permits at once, so across the edge of two windows it may make up to twice {@code permits} in one period.
 *
 * @param permits requests allowed per period, 1 to 1,000,000
 * @param period one second, one minute or one hour
 */
public record RateLimit(int permits, Duration period) {
    private static final Map<String, Duration> UNITS =
            Map.of("s", Duration.ofSeconds(1), "min", Duration.ofMinutes(1), "h", Duration.ofHours(1));
    private static final Pattern TEXT = Pattern.compile("(\\d{1,7})/(s|min|h)");

    /** What a key gets unless configured otherwise: 100 requests a second. */
    public static final RateLimit DEFAULT = new RateLimit(100, Duration.ofSeconds(1));

    public RateLimit {
        Check.between(permits, 1, 1_000_000, "rateLimit.permits");
        if (!UNITS.containsValue(Check.notNull(period, "rateLimit.period"))) {
            throw new IllegalArgumentException("rateLimit.period: must be 1 s, 1 min or 1 h, was " + period);
        }
    }

    /**
     * Reads {@code 200/s}, {@code 600/min} or {@code 5000/h}.
     *
     * @param field names the setting in the message of the exception
     * @throws IllegalArgumentException starting with {@code field} if {@code text} is none of these
     */
    public static RateLimit parse(String text, String field) {
        Matcher matcher = TEXT.matcher(text.strip());
        if (!matcher.matches()) {
            throw new IllegalArgumentException(
                    field + ": a rate is requests per s, min or h, such as 200/s or 600/min; was '" + text + "'");
        }
        try {
            return new RateLimit(Integer.parseInt(matcher.group(1)), UNITS.get(matcher.group(2)));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(field + ": " + e.getMessage(), e);
        }
    }

    /** The rate as {@link #parse} reads it, such as {@code 200/s}. */
    @Override
    public String toString() {
        String unit = UNITS.entrySet().stream()
                .filter(entry -> entry.getValue().equals(period))
                .findFirst()
                .orElseThrow()
                .getKey();
        return permits + "/" + unit;
    }
}
