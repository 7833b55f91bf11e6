package io.kiln.worker.config;

import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The worker's configuration keys, as written in the properties file. Each has a 12-factor environment variable:
 * {@code KILN_} and the key upper-cased, with {@code .} and {@code -} turned into {@code _}. Kafka client properties
 * pass through under {@link #KAFKA_CLIENT_PREFIX}.
 */
enum ConfigKey {
    WORKER_ID("worker.id"),
    KAFKA_BOOTSTRAP("kafka.bootstrap"),
    KAFKA_GROUP("kafka.group"),
    KAFKA_GROUP_INSTANCE_ID("kafka.group-instance-id"),
    TOPICS_JOBS("topics.jobs"),
    TOPICS_EVENTS("topics.events"),
    TOPICS_DEAD_LETTERS("topics.dead-letters"),
    TOPICS_CONTROL("topics.control"),
    S3_ENDPOINT("s3.endpoint"),
    S3_REGION("s3.region"),
    S3_PATH_STYLE("s3.path-style"),
    S3_ACCESS_KEY("s3.access-key"),
    S3_SECRET_KEY("s3.secret-key"),
    S3_BUCKET("s3.bucket"),
    S3_PREFIX("s3.prefix"),
    S3_URL_EXPIRY("s3.url-expiry"),
    MODEL_PATH("model.path"),
    MODEL_NAME("model.name"),
    MODEL_DEVICE("model.device"),
    MODEL_DTYPE("model.dtype"),
    BATCH_MAX_IMAGES("batch.max-images"),
    BATCH_MAX_DELAY("batch.max-delay"),
    BATCH_STARVATION_LIMIT("batch.starvation-limit"),
    RETRY_DELAYS("retry.delays"),
    RETRY_STORAGE_INITIAL_BACKOFF("retry.storage-initial-backoff"),
    RETRY_STORAGE_MAX_BACKOFF("retry.storage-max-backoff"),
    RETRY_STORAGE_GIVE_UP_AFTER("retry.storage-give-up-after"),
    RETRY_BROKER_GIVE_UP_AFTER("retry.broker-give-up-after"),
    SHUTDOWN_GRACE("shutdown.grace"),
    HTTP_HOST("http.host"),
    HTTP_PORT("http.port");

    /** Properties under this prefix go to the Kafka clients with the prefix removed. */
    static final String KAFKA_CLIENT_PREFIX = "kafka.client.";

    static final String ENV_PREFIX = "KILN_";

    /** {@code worker}, {@code kafka}, … : the first part of every key. */
    static final Set<String> SECTIONS =
            Arrays.stream(values()).map(ConfigKey::section).collect(Collectors.toUnmodifiableSet());

    private static final Map<String, ConfigKey> BY_PROPERTY =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(ConfigKey::property, Function.identity()));

    private final String property;

    ConfigKey(String property) {
        this.property = property;
    }

    String property() {
        return property;
    }

    String envName() {
        return envName(property);
    }

    String section() {
        return sectionOf(property);
    }

    static boolean isKnown(String property) {
        return BY_PROPERTY.containsKey(property);
    }

    static String envName(String property) {
        return ENV_PREFIX + property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
    }

    static String sectionOf(String property) {
        int dot = property.indexOf('.');
        return dot < 0 ? property : property.substring(0, dot);
    }

    @Override
    public String toString() {
        return property;
    }
}
