package io.kiln.dispatcher.config;

import java.time.Duration;

/** Argument checks for the settings records; every message starts with the record component it is about. */
final class Check {

    private Check() {}

    static <T> T notNull(T value, String field) {
        if (value == null) {
            throw new IllegalArgumentException(field + ": must not be null");
        }
        return value;
    }

    static String notBlank(String value, String field) {
        if (notNull(value, field).isBlank()) {
            throw new IllegalArgumentException(field + ": must not be blank");
        }
        return value;
    }

    static long between(long value, long min, long max, String field) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(field + ": must be from " + min + " to " + max + ", was " + value);
        }
        return value;
    }

    static Duration between(Duration value, Duration min, Duration max, String field) {
        notNull(value, field);
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(field + ": must be from " + min + " to " + max + ", was " + value);
        }
        return value;
    }
}
