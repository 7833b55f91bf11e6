package io.kiln.bench;

import io.kiln.client.KilnClient;
import io.kiln.client.KilnException;
import io.kiln.client.RetryPolicy;
import io.kiln.contracts.GenerationRequest;
import io.kiln.dispatcher.Dispatcher;
import io.kiln.dispatcher.config.ApiKey;
import io.kiln.dispatcher.config.DispatcherConfig;
import io.kiln.dispatcher.config.HttpSettings;
import io.kiln.dispatcher.config.KafkaSettings;
import io.kiln.dispatcher.config.MetricsSettings;
import io.kiln.dispatcher.config.RateLimit;
import io.kiln.dispatcher.config.StatusSettings;
import io.kiln.dispatcher.config.TopicSettings;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * How many jobs a dispatcher accepts per second, and how long {@code POST /v1/jobs} takes, with {@code clients}
 * clients each submitting one job after another through the Java client ({@link KilnClient}, which gives every job a
 * {@code job_id}, so each submission is also checked against the status store). The dispatcher runs in this JVM, on
 * the caller's Kafka; requests that end during the warm-up are not counted. No client retries: a refusal (503, 429)
 * counts as refused.
 *
 * <p>The run uses topics and a Streams application of its own, named {@code kiln-bench-api-<random>}, and leaves them
 * behind on the broker.
 */
public final class ApiBenchmark {
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final GenerationRequest REQUEST = GenerationRequest.builder()
            .prompt("a red fox in fresh snow, morning light")
            .width(512)
            .height(512)
            .build();

    /**
     * What to run.
     *
     * @param bootstrapServers the Kafka the dispatcher writes to
     * @param clients concurrent clients, each waiting for its answer before it submits again
     * @param warmUp how long the clients submit before the measurement starts: the JIT compiles the path meanwhile
     * @param measured how long the measurement lasts
     * @param stateDir the dispatcher's RocksDB folder
     */
    public record Options(String bootstrapServers, int clients, Duration warmUp, Duration measured, Path stateDir) {
        public Options {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers: must not be blank");
            }
            if (clients < 1) {
                throw new IllegalArgumentException("clients: must be ≥ 1, was " + clients);
            }
            if (warmUp == null
                    || warmUp.isNegative()
                    || measured == null
                    || measured.compareTo(Duration.ofSeconds(1)) < 0) {
                throw new IllegalArgumentException(
                        "warmUp must be ≥ 0 and measured ≥ 1 s, were " + warmUp + " and " + measured);
            }
            if (stateDir == null) {
                throw new IllegalArgumentException("stateDir: must not be null");
            }
        }
    }

    /**
     * What the measurement found.
     *
     * @param accepted submissions answered 202 during the measurement
     * @param refused submissions refused during it, by the exception's simple name ({@code Unavailable}, ...)
     * @param latencies the time to answer of every submission answered during the measurement, accepted or not, in
     *     nanoseconds, sorted
     */
    public record Result(long accepted, Map<String, Long> refused, Duration measured, long[] latencies) {
        public double acceptedPerSecond() {
            return accepted / (measured.toNanos() / 1e9);
        }

        /** The {@code p}-th percentile of the latencies, 0 < p ≤ 100 (nearest rank); zero if none was answered. */
        public Duration percentile(double p) {
            if (latencies.length == 0) {
                return Duration.ZERO;
            }
            int rank = (int) Math.ceil(p / 100 * latencies.length);
            return Duration.ofNanos(latencies[Math.clamp(rank - 1, 0, latencies.length - 1)]);
        }
    }

    private final Options options;

    public ApiBenchmark(Options options) {
        this.options = options;
    }

    /** Starts a dispatcher, runs the clients through the warm-up and the measurement, and stops it. */
    public Result run(Consumer<String> log) throws InterruptedException {
        String name = "kiln-bench-api-" + UUID.randomUUID().toString().substring(0, 8);
        String key = UUID.randomUUID().toString();
        try (Dispatcher dispatcher = Dispatcher.start(config(name, key))) {
            URI base = URI.create("http://127.0.0.1:" + dispatcher.port());
            awaitReady(base);
            log.accept("dispatcher ready at " + base + ", topics " + name + ".*");
            try (KilnClient client = KilnClient.builder()
                    .baseUrl(base)
                    .apiKey(key)
                    .retryPolicy(RetryPolicy.none())
                    .build()) {
                return measure(client, log);
            }
        }
    }

    private Result measure(KilnClient client, Consumer<String> log) throws InterruptedException {
        long start = System.nanoTime();
        long measureFrom = start + options.warmUp().toNanos();
        long measureUntil = measureFrom + options.measured().toNanos();
        AtomicLong accepted = new AtomicLong();
        AtomicLong warmUpAccepted = new AtomicLong();
        Map<String, AtomicLong> refused = new ConcurrentHashMap<>();
        List<Latencies> perClient = new ArrayList<>();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < options.clients(); i++) {
                Latencies latencies = new Latencies();
                perClient.add(latencies);
                threads.submit(() -> {
                    while (System.nanoTime() < measureUntil) {
                        long sent = System.nanoTime();
                        String refusal = submit(client);
                        long answered = System.nanoTime();
                        if (answered < measureFrom) {
                            if (refusal == null) {
                                warmUpAccepted.incrementAndGet();
                            }
                        } else if (answered < measureUntil) {
                            latencies.add(answered - sent);
                            if (refusal == null) {
                                accepted.incrementAndGet();
                            } else {
                                refused.computeIfAbsent(refusal, ignored -> new AtomicLong())
                                        .incrementAndGet();
                            }
                        }
                    }
                    return null;
                });
            }
            Thread.sleep(Duration.ofNanos(Math.max(0, measureFrom - System.nanoTime())));
            log.accept("warm-up: " + warmUpAccepted.get() + " accepted in "
                    + options.warmUp().toSeconds() + " s");
        }
        long[] all =
                perClient.stream().flatMapToLong(Latencies::stream).sorted().toArray();
        Map<String, Long> refusals = new TreeMap<>();
        refused.forEach((kind, count) -> refusals.put(kind, count.get()));
        return new Result(accepted.get(), refusals, options.measured(), all);
    }

    /** Submits one job; null if it was accepted, else the kind of refusal. */
    private static String submit(KilnClient client) throws InterruptedException {
        try {
            client.submit(REQUEST);
            return null;
        } catch (KilnException e) {
            return e.getClass().getSimpleName();
        }
    }

    private DispatcherConfig config(String name, String key) {
        return new DispatcherConfig(
                new HttpSettings("127.0.0.1", 0, HttpSettings.DEFAULT_MAX_BODY_BYTES),
                KafkaSettings.of(options.bootstrapServers()),
                new TopicSettings(name + ".jobs", name + ".events", name + ".status", name + ".control"),
                new StatusSettings(name, options.stateDir().resolve(name)),
                // the limit is not what is measured
                List.of(new ApiKey("bench", sha256(key), new RateLimit(1_000_000, Duration.ofSeconds(1)))),
                new MetricsSettings("127.0.0.1", 0, name + ".workers"));
    }

    private static void awaitReady(URI base) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpRequest health = HttpRequest.newBuilder(base.resolve("/v1/health"))
                    .timeout(Duration.ofSeconds(5))
                    .build();
            while (System.nanoTime() < deadline) {
                try {
                    if (http.send(health, HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200) {
                        return;
                    }
                } catch (java.io.IOException e) {
                    // not listening yet
                }
                Thread.sleep(200);
            }
        }
        throw new IllegalStateException("the dispatcher was not ready within " + READY_TIMEOUT.toSeconds() + " s");
    }

    private static String sha256(String key) {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }

    /** One client's latencies, in nanoseconds: written by its thread only, read once it has stopped. */
    private static final class Latencies {
        private long[] values = new long[1024];
        private int size;

        void add(long nanos) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = nanos;
        }

        java.util.stream.LongStream stream() {
            return Arrays.stream(values, 0, size);
        }
    }
}
