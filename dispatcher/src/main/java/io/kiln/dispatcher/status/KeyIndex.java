package io.kiln.dispatcher.status;

import java.time.Instant;
import java.util.Locale;

/**
 * The keys of the index of jobs by API key (the {@code statusByKey} topic and its global store): the key's name, the
 * acceptance time counted down from {@link Long#MAX_VALUE} in 19 digits, and the job id, joined by NUL. The store
 * orders keys by their UTF-8 bytes, so one key's jobs are a contiguous range, newest first. NUL appears in neither a
 * key name nor a job id, so no name's range reaches into another's.
 */
final class KeyIndex {
    private static final char SEPARATOR = '\u0000';

    private KeyIndex() {}

    static String key(String keyName, Instant acceptedAt, String jobId) {
        return keyName
                + SEPARATOR
                + String.format(Locale.ROOT, "%019d", Long.MAX_VALUE - acceptedAt.toEpochMilli())
                + SEPARATOR
                + jobId;
    }

    /** The smallest index key of {@code keyName}'s jobs. */
    static String first(String keyName) {
        return keyName + SEPARATOR;
    }

    /** A bound above every index key of {@code keyName}'s jobs and below every other name's. */
    static String last(String keyName) {
        return keyName + (char) (SEPARATOR + 1);
    }

    /** The smallest index key after {@code key}. */
    static String after(String key) {
        return key + SEPARATOR;
    }

    /** Whether {@code key} is an index key of {@code keyName}'s. */
    static boolean belongsTo(String key, String keyName) {
        return key.startsWith(first(keyName))
                && key.indexOf(SEPARATOR, first(keyName).length()) > 0;
    }
}
