package io.kiln.bench;

import io.kiln.dispatcher.Dispatcher;
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
import java.io.IOException;
import java.net.InetSocketAddress;
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
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * How many jobs a dispatcher accepts per second, and how long {@code POST /v1/jobs} takes, with {@code clients}
 * clients each submitting one job after another on a connection of its own. The dispatcher runs in this JVM, on the
 * caller's Kafka; requests that end during the warm-up are not counted, and nothing is retried: a refusal (503, 429)
 * counts as refused.
 *
 * <p>Each request names a new {@code job_id}, as the Java client's do, so each is also looked up in the status store.
 * The clients are bare HTTP/1.1 connections ({@link KeepAliveClient}), not the Java client: the JDK's HTTP client
 * behind it took a quarter of this process's CPU in a profile, on the cores the dispatcher needs.
 *
 * <p>The run uses topics and a Streams application of its own, named {@code kiln-bench-api-<random>}, and leaves them
 * behind on the broker.
 */
public final class ApiBenchmark {
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final String BODY = "{\"job_id\": \"%s\", \"prompt\": \"a red fox in fresh snow, morning light\","
            + " \"width\": 512, \"height\": 512}";

    /**
     * What to run.
     *
     * @param bootstrapServers the Kafka the dispatcher writes to
     * @param clients concurrent clients, each waiting for its answer before it submits again
     * @param warmUp how long the clients submit before the measurement starts: the JIT compiles the path meanwhile
     * @param measured how long the measurement lasts
     * @param stateDir the dispatcher's RocksDB folder
     * @param broker the broker's process where it runs on this machine, so that its CPU time is counted too
     * @param storage the S3 store the dispatcher checks for readiness and presigns from; the submissions do not use it
     */
    public record Options(
            String bootstrapServers,
            int clients,
            Duration warmUp,
            Duration measured,
            Path stateDir,
            Optional<ProcessHandle> broker,
            StorageSettings storage) {
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
            if (stateDir == null || broker == null || storage == null) {
                throw new IllegalArgumentException("stateDir and broker: must not be null");
            }
        }
    }

    /**
     * What the measurement found.
     *
     * @param accepted submissions answered 202 during the measurement
     * @param refused submissions refused during it, by status ({@code 503}, ...), or {@code no connection}
     * @param latencies the time to answer of every submission answered during the measurement, accepted or not, in
     *     nanoseconds, sorted
     * @param jvmCpu the CPU time this JVM (dispatcher and clients) used during the measurement
     * @param brokerCpu the broker's, where it runs here
     * @param machineBusyCores the cores busy on average during the measurement, with anything: other people's work too
     */
    public record Result(
            long accepted,
            Map<String, Long> refused,
            Duration measured,
            long[] latencies,
            Duration jvmCpu,
            Optional<Duration> brokerCpu,
            OptionalDouble machineBusyCores) {
        public double acceptedPerSecond() {
            return accepted / (measured.toNanos() / 1e9);
        }

        /** This JVM's CPU time per accepted job, in milliseconds. */
        public double jvmCpuPerJobMillis() {
            return accepted == 0 ? Double.NaN : jvmCpu.toNanos() / 1e6 / accepted;
        }

        /** The broker's CPU time per accepted job, in milliseconds, where it was counted. */
        public OptionalDouble brokerCpuPerJobMillis() {
            return accepted == 0 || brokerCpu.isEmpty()
                    ? OptionalDouble.empty()
                    : OptionalDouble.of(brokerCpu.get().toNanos() / 1e6 / accepted);
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
            return measure(new InetSocketAddress("127.0.0.1", dispatcher.port()), key, log);
        }
    }

    private Result measure(InetSocketAddress address, String key, Consumer<String> log) throws InterruptedException {
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
                    Submitter submitter = new Submitter(address, key);
                    while (System.nanoTime() < measureUntil) {
                        long sent = System.nanoTime();
                        String refusal = submitter.submit();
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
                    submitter.close();
                    return null;
                });
            }
            Thread.sleep(Duration.ofNanos(Math.max(0, measureFrom - System.nanoTime())));
            log.accept("warm-up: " + warmUpAccepted.get() + " accepted in "
                    + options.warmUp().toSeconds() + " s");
            CpuReading before = CpuReading.now(options.broker());
            Thread.sleep(Duration.ofNanos(Math.max(0, measureUntil - System.nanoTime())));
            CpuReading after = CpuReading.now(options.broker());
            // the clients stop by themselves at measureUntil; closing the executor waits for their last answers
            threads.close();
            Map<String, Long> refusals = new TreeMap<>();
            refused.forEach((kind, count) -> refusals.put(kind, count.get()));
            return new Result(
                    accepted.get(),
                    refusals,
                    options.measured(),
                    perClient.stream().flatMapToLong(Latencies::stream).sorted().toArray(),
                    after.jvm().minus(before.jvm()),
                    after.broker().flatMap(end -> before.broker().map(end::minus)),
                    after.busyCoresSince(before, options.measured()));
        }
    }

    /** CPU time so far: this JVM's, the broker's where counted, and the machine's busy time. */
    private record CpuReading(Duration jvm, Optional<Duration> broker, Optional<CpuTimes> machine) {
        static CpuReading now(Optional<ProcessHandle> broker) {
            return new CpuReading(
                    cpu(ProcessHandle.current()).orElse(Duration.ZERO),
                    broker.flatMap(CpuReading::cpu),
                    CpuTimes.now());
        }

        private static Optional<Duration> cpu(ProcessHandle process) {
            return process.info().totalCpuDuration();
        }

        OptionalDouble busyCoresSince(CpuReading before, Duration window) {
            if (machine.isEmpty() || before.machine().isEmpty()) {
                return OptionalDouble.empty();
            }
            return OptionalDouble.of(
                    machine.get().busyMillisSince(before.machine().get()) / window.toMillis());
        }
    }

    /** One client: a connection, opened again after a failure, and the job ids it sends. */
    private static final class Submitter {
        private final InetSocketAddress address;
        private final String host;
        private final String key;
        private KeepAliveClient connection;

        Submitter(InetSocketAddress address, String key) {
            this.address = address;
            this.host = address.getHostString() + ":" + address.getPort();
            this.key = key;
        }

        /** Submits one new job; null if it was accepted, else the refusal's status or {@code no connection}. */
        String submit() {
            // a random job id as the Java client gives, drawn without the lock of the secure generator
            var random = ThreadLocalRandom.current();
            String jobId = new UUID(random.nextLong(), random.nextLong()).toString();
            byte[] request = KeepAliveClient.post("/v1/jobs", host, key, BODY.formatted(jobId));
            try {
                if (connection == null) {
                    connection = new KeepAliveClient(address);
                }
                int status = connection.exchange(request);
                return status == 202 ? null : Integer.toString(status);
            } catch (IOException | RuntimeException e) {
                close();
                return "no connection";
            }
        }

        void close() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (IOException e) {
                    // closing a failed connection; nothing more to do
                }
                connection = null;
            }
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
                options.storage(),
                UploadSettings.defaults(),
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
                } catch (IOException e) {
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
