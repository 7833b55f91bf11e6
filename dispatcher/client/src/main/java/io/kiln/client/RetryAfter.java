package io.kiln.client;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Optional;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110, section 10.2.3): either delay-seconds ({@code 120}) or an
 * HTTP-date ({@code Wed, 21 Oct 2026 07:28:00 GMT}). A value that is neither is ignored, as if absent; a date in the
 * past is no wait.
 */
final class RetryAfter {
    // a server that asks for more than a day means "not today": the retry budget ends the call long before
    private static final long MAX_SECONDS = Duration.ofDays(1).toSeconds();

    private RetryAfter() {}

    /** The wait {@code header} asks for, as seen at {@code now}; empty if there is no usable header. */
    static Optional<Duration> parse(String header, Instant now) {
        if (header == null || header.isBlank()) {
            return Optional.empty();
        }
        String value = header.strip();
        if (value.chars().allMatch(Character::isDigit)) {
            // more digits than a long holds is still "a very long time"
            long seconds = value.length() > 12 ? MAX_SECONDS : Math.min(Long.parseLong(value), MAX_SECONDS);
            return Optional.of(Duration.ofSeconds(seconds));
        }
        try {
            Instant at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME)
                    .toInstant();
            Duration wait = Duration.between(now, at);
            return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
