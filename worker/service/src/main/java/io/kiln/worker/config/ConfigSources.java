package io.kiln.worker.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Reads the raw settings, by property key: the properties file, then the environment, which wins. Values are trimmed,
 * and a blank value counts as not set, so {@code KILN_S3_ENDPOINT=} in a compose file leaves the endpoint unset.
 */
final class ConfigSources {
    private static final String KAFKA_CLIENT_ENV_PREFIX = ConfigKey.envName(ConfigKey.KAFKA_CLIENT_PREFIX);

    private static final Map<String, ConfigKey> KEYS_BY_ENV_NAME = Arrays.stream(ConfigKey.values())
            .collect(Collectors.toUnmodifiableMap(ConfigKey::envName, Function.identity()));

    private ConfigSources() {}

    static Map<String, String> read(Optional<Path> file, Map<String, String> environment, Problems problems) {
        Map<String, String> values = new TreeMap<>();
        file.ifPresent(f -> fromFile(f, values, problems));
        fromEnvironment(environment, values, problems);
        return values;
    }

    private static void fromFile(Path file, Map<String, String> values, Problems problems) {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (NoSuchFileException e) {
            problems.add(file.toString(), "no such properties file");
            return;
        } catch (IOException | IllegalArgumentException e) {
            problems.add(file.toString(), "cannot read the properties file: " + e);
            return;
        }
        for (String key : properties.stringPropertyNames()) {
            UnknownKeys.checkProperty(key, problems);
            put(values, key, properties.getProperty(key));
        }
    }

    private static void fromEnvironment(
            Map<String, String> environment, Map<String, String> values, Problems problems) {
        environment.forEach((name, value) -> {
            ConfigKey key = KEYS_BY_ENV_NAME.get(name);
            if (key != null) {
                put(values, key.property(), value);
            } else if (name.startsWith(KAFKA_CLIENT_ENV_PREFIX)) {
                // Kafka property names are lower-case and dotted, so the variable's name spells the property
                String property = name.substring(KAFKA_CLIENT_ENV_PREFIX.length())
                        .toLowerCase(Locale.ROOT)
                        .replace('_', '.');
                put(values, ConfigKey.KAFKA_CLIENT_PREFIX + property, value);
            } else {
                UnknownKeys.checkEnvName(name, problems);
            }
        });
    }

    private static void put(Map<String, String> values, String key, String value) {
        if (!value.isBlank()) {
            values.put(key, value.trim());
        }
    }
}
