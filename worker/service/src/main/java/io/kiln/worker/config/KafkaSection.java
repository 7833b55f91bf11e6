package io.kiln.worker.config;

import static io.kiln.worker.config.ConfigKey.KAFKA_BOOTSTRAP;
import static io.kiln.worker.config.ConfigKey.KAFKA_CLIENT_PREFIX;
import static io.kiln.worker.config.ConfigKey.KAFKA_GROUP;
import static io.kiln.worker.config.ConfigKey.KAFKA_GROUP_INSTANCE_ID;

import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/** Reads {@code kafka.*} into {@link KafkaSettings}. */
final class KafkaSection {
    private static final Pattern PROPERTY_NAME = Pattern.compile("[a-z0-9]+(\\.[a-z0-9]+)*");

    // Client properties the worker has its own keys for; a second way to set them would invite two disagreeing values.
    private static final Map<String, ConfigKey> OWN_KEYS = Map.of(
            "bootstrap.servers", KAFKA_BOOTSTRAP,
            "group.id", KAFKA_GROUP,
            "group.instance.id", KAFKA_GROUP_INSTANCE_ID);

    private KafkaSection() {}

    /** Records every problem in {@code values}; the supplier may be called only when there were none. */
    static Supplier<KafkaSettings> read(ConfigValues values) {
        Optional<String> bootstrap = values.requiredParsed(KAFKA_BOOTSTRAP, Parsers.hostPorts());
        String group = values.text(KAFKA_GROUP, KafkaSettings.DEFAULT_GROUP_ID);
        Optional<String> instanceId = values.text(KAFKA_GROUP_INSTANCE_ID);
        Map<String, String> clientProperties = clientProperties(values);
        return () -> new KafkaSettings(bootstrap.orElseThrow(), group, instanceId, clientProperties);
    }

    private static Map<String, String> clientProperties(ConfigValues values) {
        Map<String, String> properties = values.withPrefix(KAFKA_CLIENT_PREFIX);
        properties.keySet().forEach(name -> {
            String key = KAFKA_CLIENT_PREFIX + name;
            ConfigKey own = OWN_KEYS.get(name);
            if (own != null) {
                values.problem(key, "set " + own + " instead");
            } else if (!PROPERTY_NAME.matcher(name).matches()) {
                values.problem(
                        key, "must be a Kafka client property name, lower-case and dotted like security.protocol");
            }
        });
        return properties;
    }
}
