package io.kiln.worker.config;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Which settings hold secrets, and how to show settings without them: messages and logs must never carry one. */
final class Secrets {
    static final String MASK = "***";

    private Secrets() {}

    /**
     * Whether the setting named {@code key} (a property key such as {@code s3.secret-key}, or a Kafka property name
     * such as {@code ssl.key.password}) holds a secret.
     */
    static boolean isSecret(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        return lower.contains("secret") || lower.contains("password") || lower.endsWith("sasl.jaas.config");
    }

    /** The value as it may be shown: masked when its key names a secret. */
    static String shown(String key, String value) {
        return isSecret(key) ? MASK : value;
    }

    /** The map as {@link Map#toString()} would show it, with secret values masked. */
    static String shown(Map<String, String> properties) {
        return properties.entrySet().stream()
                .map(e -> e.getKey() + "=" + shown(e.getKey(), e.getValue()))
                .collect(Collectors.joining(", ", "{", "}"));
    }
}
