package io.kiln.infra.testing;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * Which servers integration tests get, set by the system property {@value #PROPERTY} or else the environment
 * variable {@value #ENVIRONMENT_VARIABLE}; {@link #AUTO} when neither is set.
 */
public enum InfraMode {
    /** Containers if a Docker engine answers, local child processes otherwise. */
    AUTO,
    /** Containers; fails if no Docker engine answers. */
    DOCKER,
    /** Local child processes, Docker or not. */
    LOCAL;

    public static final String PROPERTY = "kiln.infra.mode";
    public static final String ENVIRONMENT_VARIABLE = "KILN_INFRA_MODE";

    /** The mode this JVM is configured with. */
    public static InfraMode configured() {
        return resolve(System.getProperty(PROPERTY), System.getenv(ENVIRONMENT_VARIABLE));
    }

    /** The mode from the property's value, else the environment variable's, else {@link #AUTO}; blank is unset. */
    static InfraMode resolve(String propertyValue, String environmentValue) {
        if (propertyValue != null && !propertyValue.isBlank()) {
            return parse(propertyValue, PROPERTY);
        }
        if (environmentValue != null && !environmentValue.isBlank()) {
            return parse(environmentValue, ENVIRONMENT_VARIABLE);
        }
        return AUTO;
    }

    private static InfraMode parse(String value, String source) {
        try {
            return valueOf(value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            String allowed = Arrays.stream(values())
                    .map(mode -> mode.name().toLowerCase(Locale.ROOT))
                    .collect(Collectors.joining(", "));
            throw new IllegalArgumentException(source + " must be one of " + allowed + ", was '" + value + "'", e);
        }
    }
}
