package io.kiln.worker.config;

import static io.kiln.worker.config.ConfigKey.BATCH_MAX_DELAY;
import static io.kiln.worker.config.ConfigKey.BATCH_MAX_IMAGES;
import static io.kiln.worker.config.ConfigKey.BATCH_STARVATION_LIMIT;
import static io.kiln.worker.config.ConfigKey.HTTP_HOST;
import static io.kiln.worker.config.ConfigKey.HTTP_PORT;
import static io.kiln.worker.config.ConfigKey.RETRY_BROKER_GIVE_UP_AFTER;
import static io.kiln.worker.config.ConfigKey.RETRY_DELAYS;
import static io.kiln.worker.config.ConfigKey.RETRY_STORAGE_GIVE_UP_AFTER;
import static io.kiln.worker.config.ConfigKey.RETRY_STORAGE_INITIAL_BACKOFF;
import static io.kiln.worker.config.ConfigKey.RETRY_STORAGE_MAX_BACKOFF;
import static io.kiln.worker.config.ConfigKey.SHUTDOWN_GRACE;
import static io.kiln.worker.config.ConfigKey.WORKER_ID;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * Loads the {@link WorkerConfig} from a properties file and the environment, which overrides the file.
 *
 * <p>Keys are written as in the file ({@code batch.max-images}); each has an environment variable named {@code KILN_}
 * and the key upper-cased with {@code .} and {@code -} turned into {@code _} ({@code KILN_BATCH_MAX_IMAGES}). Kafka
 * client properties pass through as {@code kafka.client.<property>}, or {@code KILN_KAFKA_CLIENT_<PROPERTY>} with
 * {@code _} for {@code .}. Durations are ISO-8601 ({@code PT10S}) or short ({@code 200ms}, {@code 10s}, {@code 5m},
 * {@code 1h}). A blank value counts as not set.
 *
 * <p>Every problem is collected, including unknown keys in the worker's sections (a misspelt key would otherwise
 * leave its default in force without a word), and reported at once.
 */
public final class WorkerConfigLoader {
    private static final Duration SMALLEST_BACKOFF = Duration.ofMillis(1);

    private WorkerConfigLoader() {}

    /**
     * Loads and checks the configuration.
     *
     * @param propertiesFile the properties file, read as UTF-8; empty to configure by environment alone
     * @param environment the environment variables, usually {@link System#getenv()}
     * @throws InvalidConfigException listing every problem found, each naming its key
     */
    public static WorkerConfig load(Optional<Path> propertiesFile, Map<String, String> environment)
            throws InvalidConfigException {
        Problems problems = new Problems();
        ConfigValues values = new ConfigValues(ConfigSources.read(propertiesFile, environment, problems), problems);
        Supplier<String> workerId = workerId(values);
        Supplier<KafkaSettings> kafka = KafkaSection.read(values);
        Supplier<TopicSettings> topics = TopicSection.read(values);
        Supplier<StorageSettings> storage = StorageSection.read(values);
        Supplier<ModelSettings> model = ModelSection.read(values);
        Supplier<BatchingSettings> batching = batching(values);
        Supplier<RetrySettings> retry = retry(values);
        Supplier<ShutdownSettings> shutdown = shutdown(values);
        Supplier<HttpSettings> http = http(values);
        problems.throwIfAny();
        try {
            return new WorkerConfig(
                    workerId.get(),
                    kafka.get(),
                    topics.get(),
                    storage.get(),
                    model.get(),
                    batching.get(),
                    retry.get(),
                    shutdown.get(),
                    http.get());
        } catch (IllegalArgumentException e) {
            // the records check their own invariants too; one the readers missed still fails the load, not later
            throw new InvalidConfigException(List.of(e.getMessage()));
        }
    }

    private static Supplier<String> workerId(ConfigValues values) {
        var rule = Parsers.matching(id -> WorkerConfig.WORKER_ID.matcher(id).matches(), WorkerConfig.WORKER_ID_RULE);
        if (values.text(WORKER_ID).isPresent()) {
            Optional<String> id = values.parsed(WORKER_ID, rule);
            return id::orElseThrow;
        }
        try {
            String hostName = InetAddress.getLocalHost().getHostName();
            if (!WorkerConfig.WORKER_ID.matcher(hostName).matches()) {
                values.problem(
                        WORKER_ID,
                        "must be set: the host name '" + hostName + "' is no worker id, which "
                                + WorkerConfig.WORKER_ID_RULE);
            }
            return () -> hostName;
        } catch (UnknownHostException e) {
            values.problem(WORKER_ID, "must be set: the host name is unknown (" + e.getMessage() + ")");
            return () -> null;
        }
    }

    private static Supplier<BatchingSettings> batching(ConfigValues values) {
        BatchingSettings defaults = BatchingSettings.defaults();
        int maxImages =
                values.parsed(BATCH_MAX_IMAGES, defaults.maxBatchImages(), Parsers.integer(1, Integer.MAX_VALUE));
        Duration maxDelay = values.parsed(BATCH_MAX_DELAY, defaults.maxBatchDelay(), Parsers.duration(Duration.ZERO));
        Duration starvationLimit =
                values.parsed(BATCH_STARVATION_LIMIT, defaults.starvationLimit(), Parsers.duration(Duration.ZERO));
        return () -> new BatchingSettings(maxImages, maxDelay, starvationLimit);
    }

    private static Supplier<RetrySettings> retry(ConfigValues values) {
        RetrySettings defaults = RetrySettings.defaults();
        List<Duration> delays = values.parsed(RETRY_DELAYS, defaults.delays(), Parsers.durations(Duration.ZERO));
        Optional<Duration> initial = values.valid(
                RETRY_STORAGE_INITIAL_BACKOFF, defaults.storageInitialBackoff(), Parsers.duration(SMALLEST_BACKOFF));
        Optional<Duration> max = values.valid(
                RETRY_STORAGE_MAX_BACKOFF, defaults.storageMaxBackoff(), Parsers.duration(SMALLEST_BACKOFF));
        if (initial.isPresent() && max.isPresent() && max.get().compareTo(initial.get()) < 0) {
            values.problem(
                    RETRY_STORAGE_MAX_BACKOFF,
                    "must be at least " + RETRY_STORAGE_INITIAL_BACKOFF + " (" + DurationText.format(initial.get())
                            + "), was " + DurationText.format(max.get()));
        }
        Duration giveUpAfter = values.parsed(
                RETRY_STORAGE_GIVE_UP_AFTER, defaults.storageGiveUpAfter(), Parsers.duration(Duration.ZERO));
        Duration brokerGiveUpAfter = values.parsed(
                RETRY_BROKER_GIVE_UP_AFTER, defaults.brokerGiveUpAfter(), Parsers.duration(Duration.ofSeconds(1)));
        return () ->
                new RetrySettings(delays, initial.orElseThrow(), max.orElseThrow(), giveUpAfter, brokerGiveUpAfter);
    }

    private static Supplier<ShutdownSettings> shutdown(ConfigValues values) {
        Duration grace =
                values.parsed(SHUTDOWN_GRACE, ShutdownSettings.defaults().grace(), Parsers.duration(Duration.ZERO));
        return () -> new ShutdownSettings(grace);
    }

    private static Supplier<HttpSettings> http(ConfigValues values) {
        HttpSettings defaults = HttpSettings.defaults();
        String host = values.text(HTTP_HOST, defaults.host());
        int port = values.parsed(HTTP_PORT, defaults.port(), Parsers.integer(0, 65_535));
        return () -> new HttpSettings(host, port);
    }
}
