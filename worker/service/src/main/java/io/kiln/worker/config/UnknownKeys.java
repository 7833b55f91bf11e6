package io.kiln.worker.config;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Catches misspelt settings, which would otherwise be ignored in silence while their default applies. A key is checked
 * when it starts with one of the worker's sections ({@code batch.max-image}, {@code KILN_BATCH_MAX_IMAGE}); keys of
 * other sections may belong to other programs sharing the file or environment.
 */
final class UnknownKeys {
    private static final int MAX_TYPO_DISTANCE = 3;

    private static final List<String> PROPERTIES =
            Arrays.stream(ConfigKey.values()).map(ConfigKey::property).toList();
    private static final List<String> ENV_NAMES =
            Arrays.stream(ConfigKey.values()).map(ConfigKey::envName).toList();

    private UnknownKeys() {}

    static void checkProperty(String key, Problems problems) {
        boolean ours = ConfigKey.SECTIONS.contains(ConfigKey.sectionOf(key));
        if (ours && !ConfigKey.isKnown(key) && !key.startsWith(ConfigKey.KAFKA_CLIENT_PREFIX)) {
            problems.add(key, unknown(key, PROPERTIES));
        }
    }

    /** Checks a variable that is neither a known key's nor a Kafka client property's. */
    static void checkEnvName(String name, Problems problems) {
        boolean ours = ConfigKey.SECTIONS.stream()
                .anyMatch(section -> name.startsWith(ConfigKey.ENV_PREFIX + section.toUpperCase(Locale.ROOT) + "_"));
        if (ours) {
            problems.add(name, unknown(name, ENV_NAMES));
        }
    }

    private static String unknown(String key, List<String> known) {
        Optional<String> closest = known.stream()
                .filter(k -> distance(k, key) <= MAX_TYPO_DISTANCE)
                .min(Comparator.comparingInt(k -> distance(k, key)));
        return "unknown setting" + closest.map(k -> ", did you mean " + k + "?").orElse("");
    }

    /** The Levenshtein distance: the fewest single-character edits that turn {@code a} into {@code b}. */
    static int distance(String a, String b) {
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++) {
                int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }
}
