package io.kiln.dispatcher;

import io.kiln.clients.S3Credentials;
import io.kiln.clients.S3Settings;
import io.kiln.dispatcher.config.ApiKey;
import io.kiln.dispatcher.config.DispatcherConfig;
import io.kiln.dispatcher.config.HttpSettings;
import io.kiln.dispatcher.config.KafkaSettings;
import io.kiln.dispatcher.config.MetricsSettings;
import io.kiln.dispatcher.config.RateLimit;
import io.kiln.dispatcher.config.StatusSettings;
import io.kiln.dispatcher.config.StorageSettings;
import io.kiln.dispatcher.config.TopicSettings;
import io.kiln.dispatcher.config.UploadSettings;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;

/**
 * Runs a dispatcher until the JVM is told to stop (SIGTERM, Ctrl-C), configured from environment variables:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>variable</th><th>default</th></tr>
 *   <tr><td>{@code KILN_KAFKA_BOOTSTRAP}</td><td>required</td></tr>
 *   <tr><td>{@code KILN_DISPATCHER_API_KEYS}: {@code name:sha256hex} or {@code name:sha256hex:rate} entries
 *       separated by commas; a rate such as {@code 200/s}, {@code 600/min} or {@code 5000/h}</td>
 *       <td>required</td></tr>
 *   <tr><td>{@code KILN_DISPATCHER_RATE_LIMIT}: the rate of every key listed without one</td>
 *       <td>{@code 100/s}</td></tr>
 *   <tr><td>{@code KILN_DISPATCHER_HOST}</td><td>{@code 127.0.0.1}</td></tr>
 *   <tr><td>{@code KILN_DISPATCHER_PORT}</td><td>{@code 8080}</td></tr>
 *   <tr><td>{@code KILN_DISPATCHER_MAX_BODY_BYTES}</td><td>{@code 65536}</td></tr>
 *   <tr><td>{@code KILN_DISPATCHER_METRICS_HOST}, {@code KILN_DISPATCHER_METRICS_PORT}: where {@code GET /metrics}
 *       is served, without a key</td><td>{@code 127.0.0.1}, {@code 8082}</td></tr>
 *   <tr><td>{@code KILN_DISPATCHER_WORKER_GROUP}: the workers' consumer group, for the queue lag</td>
 *       <td>{@code kiln-workers}</td></tr>
 *   <tr><td>{@code KILN_DISPATCHER_ACCEPT_TIMEOUT_SECONDS}</td><td>{@code 10}</td></tr>
 *   <tr><td>{@code KILN_DISPATCHER_APPLICATION_ID}</td><td>{@code kiln-dispatcher}</td></tr>
 *   <tr><td>{@code KILN_DISPATCHER_STATE_DIR}</td><td>{@code ./kiln-dispatcher-state}</td></tr>
 *   <tr><td>{@code KILN_TOPICS_JOBS}, {@code KILN_TOPICS_EVENTS}, {@code KILN_TOPICS_STATUS},
 *       {@code KILN_TOPICS_CONTROL}</td>
 *       <td>{@code kiln.jobs.v1}, {@code kiln.events.v1}, {@code kiln.status.v1}, {@code kiln.control.v1}</td></tr>
 *   <tr><td>{@code KILN_S3_BUCKET}: where uploads are stored</td><td>required</td></tr>
 *   <tr><td>{@code KILN_S3_ENDPOINT}: an S3-compatible store such as {@code http://minio:9000}</td>
 *       <td>AWS</td></tr>
 *   <tr><td>{@code KILN_S3_REGION}</td><td>{@code us-east-1}</td></tr>
 *   <tr><td>{@code KILN_S3_PATH_STYLE}</td><td>{@code true} with an endpoint, else {@code false}</td></tr>
 *   <tr><td>{@code KILN_S3_ACCESS_KEY}, {@code KILN_S3_SECRET_KEY}: both or neither</td>
 *       <td>the AWS default credentials</td></tr>
 *   <tr><td>{@code KILN_DISPATCHER_URL_EXPIRY_SECONDS}</td><td>{@code 3600}</td></tr>
 *   <tr><td>{@code KILN_DISPATCHER_MAX_UPLOAD_BYTES}</td><td>{@code 8388608}</td></tr>
 *   <tr><td>{@code KILN_DISPATCHER_MAX_CONCURRENT_UPLOADS}</td><td>{@code 4}</td></tr>
 * </table>
 *
 * A bad setting stops start-up with a message naming it (exit 2).
 */
public final class DispatcherMain {
    private static final String DEFAULT_S3_REGION = "us-east-1";

    // the field each settings check names (S3Settings's without a colon), and the variable it is read from
    private static final Map<String, String> VARIABLES = Map.of(
            "endpointOverride", "KILN_S3_ENDPOINT",
            "region", "KILN_S3_REGION",
            "storage.bucket", "KILN_S3_BUCKET",
            "storage.urlExpiry", "KILN_DISPATCHER_URL_EXPIRY_SECONDS",
            "uploads.maxBytes", "KILN_DISPATCHER_MAX_UPLOAD_BYTES",
            "uploads.maxConcurrent", "KILN_DISPATCHER_MAX_CONCURRENT_UPLOADS");
    private static final String API_KEYS = "KILN_DISPATCHER_API_KEYS";
    private static final String RATE_LIMIT = "KILN_DISPATCHER_RATE_LIMIT";

    private DispatcherMain() {}

    public static void main(String[] args) throws InterruptedException {
        DispatcherConfig config;
        try {
            config = fromEnvironment(System.getenv());
        } catch (IllegalArgumentException e) {
            System.err.println("Invalid dispatcher configuration: " + e.getMessage());
            System.exit(2);
            return;
        }
        Dispatcher dispatcher = Dispatcher.start(config);
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            dispatcher.close();
            stopped.countDown();
        }));
        stopped.await();
    }

    /**
     * Reads the configuration from {@code env}, as {@link #main} does.
     *
     * @throws IllegalArgumentException naming the first bad or missing setting
     */
    static DispatcherConfig fromEnvironment(Map<String, String> env) {
        HttpSettings defaults = HttpSettings.defaults();
        var http = new HttpSettings(
                env.getOrDefault("KILN_DISPATCHER_HOST", defaults.host()),
                number(env, "KILN_DISPATCHER_PORT", defaults.port()),
                number(env, "KILN_DISPATCHER_MAX_BODY_BYTES", defaults.maxBodyBytes()));
        var kafka = new KafkaSettings(
                required(env, "KILN_KAFKA_BOOTSTRAP"),
                Duration.ofSeconds(number(
                        env,
                        "KILN_DISPATCHER_ACCEPT_TIMEOUT_SECONDS",
                        KafkaSettings.DEFAULT_ACCEPT_TIMEOUT.toSeconds())),
                Map.of());
        TopicSettings standard = TopicSettings.defaults();
        var topics = new TopicSettings(
                env.getOrDefault("KILN_TOPICS_JOBS", standard.jobs()),
                env.getOrDefault("KILN_TOPICS_EVENTS", standard.events()),
                env.getOrDefault("KILN_TOPICS_STATUS", standard.status()),
                env.getOrDefault("KILN_TOPICS_CONTROL", standard.control()));
        var status = new StatusSettings(
                env.getOrDefault("KILN_DISPATCHER_APPLICATION_ID", StatusSettings.DEFAULT_APPLICATION_ID),
                Path.of(env.getOrDefault("KILN_DISPATCHER_STATE_DIR", "kiln-dispatcher-state")));
        MetricsSettings standardMetrics = MetricsSettings.defaults();
        var metrics = new MetricsSettings(
                env.getOrDefault("KILN_DISPATCHER_METRICS_HOST", standardMetrics.host()),
                number(env, "KILN_DISPATCHER_METRICS_PORT", standardMetrics.port()),
                env.getOrDefault("KILN_DISPATCHER_WORKER_GROUP", standardMetrics.workerGroup()));
        RateLimit defaultRate =
                env.containsKey(RATE_LIMIT) ? RateLimit.parse(env.get(RATE_LIMIT), RATE_LIMIT) : RateLimit.DEFAULT;
        return new DispatcherConfig(
                http,
                kafka,
                topics,
                status,
                apiKeys(required(env, API_KEYS), defaultRate),
                storage(env),
                naming(() -> new UploadSettings(
                        number(env, "KILN_DISPATCHER_MAX_UPLOAD_BYTES", UploadSettings.DEFAULT_MAX_BYTES),
                        number(env, "KILN_DISPATCHER_MAX_CONCURRENT_UPLOADS", UploadSettings.DEFAULT_MAX_CONCURRENT))),
                metrics);
    }

    /**
     * The S3 settings, from the variables the worker reads for its own, so that both can share them. As for the
     * worker, a blank value counts as not set.
     */
    private static StorageSettings storage(Map<String, String> env) {
        Optional<URI> endpoint = optional(env, "KILN_S3_ENDPOINT").map(DispatcherMain::endpoint);
        boolean pathStyle = optional(env, "KILN_S3_PATH_STYLE")
                .map(text -> switch (text.toLowerCase(Locale.ROOT)) {
                    case "true" -> true;
                    case "false" -> false;
                    default ->
                        throw new IllegalArgumentException(
                                "KILN_S3_PATH_STYLE: must be true or false, was '" + text + "'");
                })
                // MinIO and s3proxy need path-style addressing; AWS wants virtual-hosted buckets
                .orElse(endpoint.isPresent());
        var s3 = naming(() -> new S3Settings(
                endpoint, optional(env, "KILN_S3_REGION").orElse(DEFAULT_S3_REGION), pathStyle, s3Credentials(env)));
        return naming(() -> new StorageSettings(
                s3,
                required(env, "KILN_S3_BUCKET").strip(),
                Duration.ofSeconds(number(
                        env, "KILN_DISPATCHER_URL_EXPIRY_SECONDS", StorageSettings.DEFAULT_URL_EXPIRY.toSeconds()))));
    }

    private static URI endpoint(String text) {
        try {
            return new URI(text);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException(
                    "KILN_S3_ENDPOINT: must be an http or https URI such as http://127.0.0.1:9000, was '" + text + "'");
        }
    }

    private static S3Credentials s3Credentials(Map<String, String> env) {
        Optional<String> accessKey = optional(env, "KILN_S3_ACCESS_KEY");
        Optional<String> secretKey = optional(env, "KILN_S3_SECRET_KEY");
        if (accessKey.isPresent() && secretKey.isPresent()) {
            return S3Credentials.staticKeys(accessKey.get(), secretKey.get());
        }
        if (accessKey.isPresent() || secretKey.isPresent()) {
            String missing = accessKey.isPresent() ? "KILN_S3_SECRET_KEY" : "KILN_S3_ACCESS_KEY";
            String given = accessKey.isPresent() ? "KILN_S3_ACCESS_KEY" : "KILN_S3_SECRET_KEY";
            throw new IllegalArgumentException(missing + ": must be set together with " + given
                    + ", or neither to use the AWS default credentials");
        }
        return S3Credentials.defaultChain();
    }

    private static Optional<String> optional(Map<String, String> env, String name) {
        return Optional.ofNullable(env.get(name)).map(String::strip).filter(value -> !value.isEmpty());
    }

    /**
     * Builds settings whose own checks name their fields ({@code storage.bucket: must be …}), naming the variable
     * instead, which is what an operator sets.
     */
    private static <T> T naming(Supplier<T> settings) {
        try {
            return settings.get();
        } catch (IllegalArgumentException e) {
            String message = e.getMessage() == null ? "" : e.getMessage();
            for (var field : VARIABLES.entrySet()) {
                if (message.startsWith(field.getKey() + ":") || message.startsWith(field.getKey() + " ")) {
                    throw new IllegalArgumentException(
                            field.getValue() + ":"
                                    + message.substring(field.getKey().length()).replaceFirst("^:", ""),
                            e);
                }
            }
            throw e;
        }
    }

    /** Reads {@code name:sha256hex} and {@code name:sha256hex:rate} entries; the first kind gets {@code defaultRate}. */
    private static List<ApiKey> apiKeys(String text, RateLimit defaultRate) {
        List<ApiKey> keys = new ArrayList<>();
        for (String entry : text.split(",")) {
            String[] parts = entry.strip().split(":", -1);
            if (parts.length < 2 || parts.length > 3) {
                throw new IllegalArgumentException(
                        API_KEYS + ": each entry must be name:sha256hex or name:sha256hex:rate, separated by commas");
            }
            String name = parts[0].strip();
            RateLimit rate = parts.length == 3
                    ? RateLimit.parse(parts[2], API_KEYS + ", the rate of '" + name + "'")
                    : defaultRate;
            try {
                keys.add(new ApiKey(name, parts[1].strip(), rate));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(API_KEYS + ": " + e.getMessage(), e);
            }
        }
        return keys;
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + ": must be set");
        }
        return value;
    }

    private static int number(Map<String, String> env, String name, int fallback) {
        long value = number(env, name, (long) fallback);
        if (value != (int) value) {
            // Math.toIntExact's ArithmeticException would end start-up with a stack trace instead of this message
            throw new IllegalArgumentException(
                    name + ": must be a whole number up to " + Integer.MAX_VALUE + ", was '" + env.get(name) + "'");
        }
        return (int) value;
    }

    private static long number(Map<String, String> env, String name, long fallback) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(name + ": must be a whole number, was '" + value + "'");
        }
    }
}
