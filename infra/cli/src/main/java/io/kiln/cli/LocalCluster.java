package io.kiln.cli;

import io.kiln.dispatcher.DispatcherMain;
import io.kiln.infra.local.S3Endpoint;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A development cluster on this machine with everything under one folder {@code D}: Kafka and S3 as {@code kiln infra
 * up} runs them ({@code D/kafka}, {@code D/s3}), the dispatcher (its state in {@code D/dispatcher}) and N workers, each
 * in its own JVM so that one can be killed alone (pids in {@code D/pids}, logs in {@code D/logs}, see {@link
 * LocalProcesses}). Everything it keeps survives a stop, so a restarted cluster still has its jobs, their status and
 * their images.
 *
 * <p>It starts in the order the parts need each other and stops in the reverse: workers, then the dispatcher, then
 * the servers, so that the workers can commit their last jobs and leave the group while Kafka still runs.
 */
final class LocalCluster {

    static final String DISPATCHER = "dispatcher";

    static final String API_KEY_FILE = "api-key";

    /** Where the running cluster's API answers, for commands that use it (kiln demo). */
    static final String API_URL_FILE = "api-url";

    private static final String WORKER_PREFIX = "worker-";

    /** {@code kiln infra up}: each server may take its full start-up timeout, 60 s. */
    private static final Duration SERVERS_UP = Duration.ofMinutes(3);

    /** Kafka Streams restores the status store and joins its group. */
    private static final Duration DISPATCHER_READY = Duration.ofMinutes(2);

    /** Loading a full-size model onto a CPU takes a while. */
    private static final Duration WORKER_READY = Duration.ofMinutes(5);

    /** How long a worker may finish its running batch on SIGTERM: a batch left unfinished reruns at the restart. */
    private static final Duration WORKER_GRACE = Duration.ofSeconds(10);

    /** SIGKILL after the grace and the time to commit, leave the group and close. */
    private static final Duration WORKER_STOP = WORKER_GRACE.plusSeconds(20);

    private static final Duration DISPATCHER_STOP = Duration.ofSeconds(30);

    /** A killed worker's partitions move to the others after this instead of Kafka's 45 s. */
    private static final Duration WORKER_SESSION_TIMEOUT = Duration.ofSeconds(10);

    private final LocalClusterConfig config;
    private final LocalProcesses processes;
    private final Consumer<String> report;

    /** Held while a child is launched, so that a stop either sees its pid file or keeps it from starting. */
    private final Object launching = new Object();

    private boolean stopping;

    /** The {@code kiln infra up} child while it runs; a stop waits for it, or the servers it starts would stay. */
    private volatile LocalProcesses.Child serversStarting;

    /**
     * @param report takes a line for each step of the start, as it happens
     */
    LocalCluster(LocalClusterConfig config, Consumer<String> report) {
        this.config = config;
        this.processes = new LocalProcesses(config.dir());
        this.report = report;
    }

    /** A running cluster: where it answers, with which key, serving what. */
    record Started(
            URI api,
            DevelopmentKey key,
            ServedModel model,
            int partitions,
            LocalProcesses.Child dispatcher,
            List<LocalProcesses.Child> workers) {}

    /** How to reach a cluster's API. */
    record Access(URI api, DevelopmentKey key) {}

    /**
     * The API of the cluster running from {@code dir}, if its dispatcher runs: the URL and key it was started with.
     * Whether it answers is the caller's to find out.
     */
    static Optional<Access> running(Path dir) {
        Path url = dir.resolve(API_URL_FILE);
        Path key = dir.resolve(API_KEY_FILE);
        if (new LocalProcesses(dir).find(DISPATCHER).isEmpty() || !Files.exists(url) || !Files.exists(key)) {
            return Optional.empty();
        }
        try {
            return Optional.of(new Access(
                    URI.create(Files.readString(url, StandardCharsets.UTF_8).strip()),
                    DevelopmentKey.readOrCreate(key)));
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read " + url, e);
        }
    }

    private void writeApiUrl(URI api) {
        try {
            Files.writeString(config.dir().resolve(API_URL_FILE), api + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot write " + config.dir().resolve(API_URL_FILE), e);
        }
    }

    /** A part of the cluster that a stop looked for: its pid if it was running and is now stopped. */
    record Stopped(String name, Optional<Long> pid) {}

    /**
     * Starts the cluster and returns once the dispatcher and every worker are ready. A failed start stops whatever it
     * had started.
     *
     * @throws IllegalStateException if a cluster already runs from the folder, or a part did not start
     */
    Started start() throws InterruptedException {
        List<String> running = processes.recordedNames().stream()
                .filter(name -> processes.find(name).isPresent())
                .toList();
        if (!running.isEmpty()) {
            throw new IllegalStateException("a local cluster already runs from " + config.dir() + " (" + running
                    + "); stop it with: kiln local down --dir " + config.dir());
        }
        // left by a cluster that ended without a stop (kiln local and its children killed, a reboot); this start writes
        // its own
        processes.recordedNames().forEach(processes::deletePid);
        try {
            return startInOrder();
        } catch (RuntimeException | InterruptedException e) {
            // all or nothing: a part left running would hold its port and the folder
            stop();
            throw e;
        }
    }

    /** Stops every part, children first; safe to call again and from another thread than {@link #start}'s. */
    List<Stopped> stop() throws InterruptedException {
        synchronized (launching) {
            stopping = true;
        }
        LocalProcesses.Child servers = serversStarting;
        if (servers != null && !servers.process().waitFor(SERVERS_UP.toMillis(), TimeUnit.MILLISECONDS)) {
            servers.process().destroyForcibly();
        }
        return down(config.dir());
    }

    /** Whether {@link #stop} was called: a child exiting after that was told to. */
    boolean stopping() {
        synchronized (launching) {
            return stopping;
        }
    }

    /** Stops the cluster running from {@code dir}, found through its pid files, children first. */
    static List<Stopped> down(Path dir) {
        LocalProcesses processes = new LocalProcesses(dir);
        List<Stopped> stopped = new ArrayList<>();
        // 1. the workers together: each finishes or abandons its batch and leaves the group while Kafka still runs
        List<String> workers = processes.recordedNames().stream()
                .filter(name -> name.startsWith(WORKER_PREFIX))
                .sorted(Comparator.comparingInt(LocalCluster::workerNumber))
                .toList();
        stopped.addAll(stopTogether(processes, workers, WORKER_STOP));
        // 2. the dispatcher, whose Streams application commits to Kafka as it closes
        stopped.addAll(stopTogether(processes, List.of(DISPATCHER), DISPATCHER_STOP));
        // 3. the servers, as kiln infra down stops them
        for (DevInfrastructure.Stopped server : new DevInfrastructure(dir).down()) {
            processes.deletePid(fileName(server.name()));
            stopped.add(new Stopped(server.name(), server.pid()));
        }
        return stopped;
    }

    private Started startInOrder() throws InterruptedException {
        // 1. what the workers serve, and the key clients use
        ServedModel model = ServedModel.choose(config.model(), config.dir());
        report.accept("model " + model.name() + " (" + model.origin() + ") at " + model.path());
        DevelopmentKey key = DevelopmentKey.readOrCreate(config.dir().resolve(API_KEY_FILE));

        // 2. Kafka and S3
        InfraState servers = startServers();
        report.accept("Kafka at " + servers.kafka().bootstrapServers() + ", S3 at "
                + servers.s3().endpoint());

        // 3. what the dispatcher and the workers expect to exist
        int partitions = LocalProvisioning.ensureTopics(servers.kafka().bootstrapServers(), config.partitions());
        LocalProvisioning.ensureBucket(servers.s3());

        // 4. the dispatcher
        URI api = URI.create("http://127.0.0.1:" + loopbackPort(config.apiPort()));
        LocalProcesses.Child dispatcher = launch(dispatcher(servers, key, api.getPort()));
        ReadyWait.await(dispatcher, api.resolve("/v1/health"), DISPATCHER_READY);
        writeApiUrl(api);
        report.accept("dispatcher ready at " + api + " (pid " + dispatcher.pid() + ")");

        // 5. the workers, started together: each loads the model on its own
        Map<LocalProcesses.Child, URI> workers = new LinkedHashMap<>();
        for (int number = 1; number <= config.workers(); number++) {
            int healthPort = loopbackPort(0);
            LocalProcesses.Child worker = launch(worker(WORKER_PREFIX + number, servers, model, healthPort));
            workers.put(worker, URI.create("http://127.0.0.1:" + healthPort + "/health/ready"));
        }
        for (Map.Entry<LocalProcesses.Child, URI> worker : workers.entrySet()) {
            ReadyWait.await(worker.getKey(), worker.getValue(), WORKER_READY);
            report.accept(
                    worker.getKey().name() + " ready (pid " + worker.getKey().pid() + ")");
        }
        return new Started(api, key, model, partitions, dispatcher, List.copyOf(workers.keySet()));
    }

    /**
     * Runs {@code kiln infra up} as a child, which starts the servers detached: they inherit its ignored SIGINT (see
     * {@link LocalProcesses}), so the terminal's Ctrl-C leaves them for this cluster to stop last. Servers that already
     * run from the folder are kept.
     */
    private InfraState startServers() throws InterruptedException {
        var command = new LocalProcesses.Command(
                "infra",
                Kiln.class.getName(),
                List.of("infra", "up", "--dir", config.dir().toString(), "--kafka-port", "0", "--s3-port", "0"),
                Map.of());
        LocalProcesses.Child up;
        synchronized (launching) {
            up = launch(command, false);
            serversStarting = up;
        }
        if (!up.process().waitFor(SERVERS_UP.toMillis(), TimeUnit.MILLISECONDS)) {
            up.process().destroyForcibly();
            throw up.failure("did not start Kafka and S3 within " + SERVERS_UP.toSeconds() + " s");
        }
        if (up.process().exitValue() != 0) {
            throw up.failure("failed with exit code " + up.process().exitValue());
        }
        var infra = new DevInfrastructure(config.dir());
        for (DevInfrastructure.Status server : infra.status()) {
            server.pid().ifPresent(pid -> processes.writePid(fileName(server.name()), pid));
        }
        return infra.state().orElseThrow(() -> up.failure("left no " + DevInfrastructure.STATE_FILE));
    }

    private LocalProcesses.Command dispatcher(InfraState servers, DevelopmentKey key, int port) {
        return new LocalProcesses.Command(
                DISPATCHER,
                DispatcherMain.class.getName(),
                List.of(),
                withS3(
                        servers.s3(),
                        Map.of(
                                "KILN_KAFKA_BOOTSTRAP", servers.kafka().bootstrapServers(),
                                "KILN_DISPATCHER_API_KEYS", key.dispatcherSetting(),
                                "KILN_DISPATCHER_HOST", "127.0.0.1",
                                "KILN_DISPATCHER_PORT", Integer.toString(port),
                                "KILN_DISPATCHER_STATE_DIR",
                                        config.dir().resolve(DISPATCHER).toString())));
    }

    /**
     * {@code environment} and the S3 settings the dispatcher (presigned URLs, uploads) and the workers (images, init
     * images) share: one bucket, so that an upload is where a worker reads it.
     */
    private static Map<String, String> withS3(S3Endpoint s3, Map<String, String> environment) {
        Map<String, String> all = new LinkedHashMap<>(environment);
        all.put("KILN_S3_ENDPOINT", s3.endpoint().toString());
        all.put("KILN_S3_REGION", s3.region());
        all.put("KILN_S3_ACCESS_KEY", s3.accessKey());
        all.put("KILN_S3_SECRET_KEY", s3.secretKey());
        all.put("KILN_S3_BUCKET", LocalProvisioning.BUCKET);
        return all;
    }

    private static LocalProcesses.Command worker(String name, InfraState servers, ServedModel model, int healthPort) {
        return new LocalProcesses.Command(
                name,
                Kiln.class.getName(),
                List.of("worker"),
                withS3(
                        servers.s3(),
                        Map.ofEntries(
                                // unique per live worker: it names the worker's transactional producer
                                Map.entry("KILN_WORKER_ID", name),
                                Map.entry(
                                        "KILN_KAFKA_BOOTSTRAP", servers.kafka().bootstrapServers()),
                                Map.entry(
                                        "KILN_KAFKA_CLIENT_SESSION_TIMEOUT_MS",
                                        Long.toString(WORKER_SESSION_TIMEOUT.toMillis())),
                                Map.entry("KILN_MODEL_PATH", model.path().toString()),
                                Map.entry("KILN_HTTP_PORT", Integer.toString(healthPort)),
                                Map.entry("KILN_SHUTDOWN_GRACE", WORKER_GRACE.toSeconds() + "s"))));
    }

    private LocalProcesses.Child launch(LocalProcesses.Command command) {
        return launch(command, true);
    }

    private LocalProcesses.Child launch(LocalProcesses.Command command, boolean recordPid) {
        synchronized (launching) {
            if (stopping) {
                throw new IllegalStateException("stopped before " + command.name() + " started");
            }
            return processes.start(command, recordPid);
        }
    }

    private static List<Stopped> stopTogether(LocalProcesses processes, List<String> names, Duration grace) {
        Map<String, Optional<ProcessHandle>> found = new LinkedHashMap<>();
        names.forEach(name -> found.put(name, processes.find(name)));
        LocalProcesses.stop(found.values().stream().flatMap(Optional::stream).toList(), grace);
        names.forEach(processes::deletePid);
        return names.stream()
                .map(name -> new Stopped(name, found.get(name).map(ProcessHandle::pid)))
                .toList();
    }

    /** {@code Kafka} → {@code kafka}: a server's pid file name. */
    private static String fileName(String serverName) {
        return serverName.toLowerCase(Locale.ROOT);
    }

    private static int workerNumber(String name) {
        try {
            return Integer.parseInt(name.substring(WORKER_PREFIX.length()));
        } catch (NumberFormatException e) {
            // a stray worker-x.pid sorts last
            return Integer.MAX_VALUE;
        }
    }

    /**
     * {@code requested} if nothing listens there, or a free port for 0. Checked before the start because a server
     * already on the port would answer the readiness probe in place of ours.
     */
    private static int loopbackPort(int requested) {
        try (ServerSocket socket = new ServerSocket(requested, 1, loopback())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(
                    "127.0.0.1:" + requested + " is already in use (" + e.getMessage() + "); pass another --port", e);
        }
    }

    private static InetAddress loopback() throws UnknownHostException {
        // 127.0.0.1 itself: "localhost" may resolve to ::1 first
        return InetAddress.getByAddress("127.0.0.1", new byte[] {127, 0, 0, 1});
    }
}
