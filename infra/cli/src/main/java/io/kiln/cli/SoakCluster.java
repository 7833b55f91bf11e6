package io.kiln.cli;

import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.local.process.ChildLifetime;
import io.kiln.infra.local.process.LocalKafka;
import io.kiln.infra.local.process.LocalKafkaConfig;
import io.kiln.infra.local.process.LocalS3;
import io.kiln.infra.local.process.LocalS3Config;
import io.kiln.infra.local.process.S3Storage;
import io.kiln.infra.local.process.ServerJit;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The soak's cluster, each part in a process of its own so that it can fail alone: a Kafka broker and an S3 server that
 * can be stopped and started again on the same port over the same files, and worker JVMs that can be killed, stopped
 * and restarted under the same worker id.
 *
 * <p>It watches its workers: an exit that the soak did not cause, or a SIGTERM after which the worker did not log its
 * graceful stop, is kept as an {@linkplain #unexpectedExits() unexpected exit}.
 */
final class SoakCluster implements AutoCloseable {
    /** The partitions of the job topic: more than the workers, so that each holds several. */
    static final int PARTITIONS = 6;

    /** A killed worker's partitions move to the others after this instead of Kafka's 45 s. */
    private static final Duration SESSION_TIMEOUT = Duration.ofSeconds(6);

    private static final Duration WORKER_GRACE = Duration.ofSeconds(10);
    private static final Duration WORKER_READY = Duration.ofMinutes(2);

    /**
     * What a worker logs at the end of a graceful stop. Its exit code cannot tell: the JVM exits 143 on SIGTERM however
     * the shutdown hook's stop went.
     */
    private static final String STOPPED_LINE = "PollLoop - stopped; ";

    /** A line at this level in a worker's log is something an operator must look at. */
    private static final String ERROR_LEVEL = " ERROR ";

    private final Path dir;
    private final Path model;
    private final LocalProcesses processes;
    private final int kafkaPort;
    private final S3Endpoint s3Endpoint;
    private LocalKafka kafka;
    private LocalS3 s3;
    private final Map<String, RunningWorker> workers = new LinkedHashMap<>();
    private final List<RunningWorker> launched = new ArrayList<>();
    private final int workerCount;
    private final List<String> unexpectedExits = Collections.synchronizedList(new ArrayList<>());

    /** A worker's process, where its lines start in its log, and whether the soak itself is stopping it. */
    private static final class RunningWorker {
        final LocalProcesses.Child child;
        final int httpPort;
        final long logStart;
        volatile boolean stopping;

        RunningWorker(LocalProcesses.Child child, int httpPort, long logStart) {
            this.child = child;
            this.httpPort = httpPort;
            this.logStart = logStart;
        }

        /** What this run of the worker has logged so far. */
        List<String> log() {
            try (RandomAccessFile file = new RandomAccessFile(child.logFile().toFile(), "r")) {
                byte[] bytes = new byte[Math.toIntExact(Math.max(0, file.length() - logStart))];
                file.seek(logStart);
                file.readFully(bytes);
                return new String(bytes, StandardCharsets.UTF_8).lines().toList();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot read " + child.logFile(), e);
            }
        }
    }

    private SoakCluster(Path dir, Path model, int workerCount) {
        this.dir = dir;
        this.model = model;
        this.workerCount = workerCount;
        this.processes = new LocalProcesses(dir);
        this.kafka = LocalKafka.start(kafkaConfig(0));
        this.kafkaPort = port(kafka.endpoint());
        try {
            this.s3 = LocalS3.start(s3Config(0));
        } catch (RuntimeException e) {
            kafka.close();
            throw e;
        }
        this.s3Endpoint = s3.endpoint();
    }

    /** Starts the servers, creates the topics and the bucket, and starts {@code workers} workers once they are ready. */
    static SoakCluster start(Path dir, Path model, int workers) throws InterruptedException {
        SoakCluster cluster = new SoakCluster(dir, model, workers);
        try {
            LocalProvisioning.ensureTopics(cluster.bootstrapServers(), PARTITIONS);
            LocalProvisioning.ensureBucket(cluster.s3Endpoint);
            List<String> names = new ArrayList<>();
            for (int number = 1; number <= workers; number++) {
                names.add("worker-" + number);
            }
            cluster.startWorkers(names);
            return cluster;
        } catch (RuntimeException | InterruptedException e) {
            cluster.close();
            throw e;
        }
    }

    String bootstrapServers() {
        return "127.0.0.1:" + kafkaPort;
    }

    S3Endpoint s3() {
        return s3Endpoint;
    }

    /** The consumer group the workers share. */
    static String group() {
        return "kiln-workers";
    }

    synchronized List<String> workerNames() {
        return List.copyOf(workers.keySet());
    }

    /** SIGKILL: no shutdown hook runs, nothing is committed, the group learns of it when the session expires. */
    void kill(String name) throws InterruptedException {
        RunningWorker worker = worker(name);
        worker.stopping = true;
        worker.child.process().destroyForcibly();
        if (!worker.child.process().waitFor(10, TimeUnit.SECONDS)) {
            throw worker.child.failure("survived SIGKILL");
        }
    }

    /** SIGTERM, as Kubernetes stops a pod, and waits for the worker to finish or abandon its batch and exit. */
    void terminate(String name) throws InterruptedException {
        RunningWorker worker = worker(name);
        worker.stopping = true;
        worker.child.process().toHandle().destroy();
        Duration patience = WORKER_GRACE.plusSeconds(30);
        if (!worker.child.process().waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
            throw worker.child.failure("still runs " + patience + " after SIGTERM");
        }
        if (worker.log().stream().noneMatch(line -> line.contains(STOPPED_LINE))) {
            unexpectedExits.add(name + " (pid " + worker.child.pid() + ") did not stop gracefully on SIGTERM; log "
                    + worker.child.logFile());
        }
    }

    /** Starts {@code names} again (or for the first time) under their worker ids and returns once all are ready. */
    void startWorkers(List<String> names) throws InterruptedException {
        List<RunningWorker> started = new ArrayList<>();
        for (String name : names) {
            started.add(launch(name));
        }
        for (RunningWorker worker : started) {
            ReadyWait.await(
                    worker.child, URI.create("http://127.0.0.1:" + worker.httpPort + "/health/ready"), WORKER_READY);
        }
    }

    /** Stops the broker (SIGTERM); clients' connections are refused until {@link #startBroker}. */
    synchronized void stopBroker() {
        kafka.close();
        kafka = null;
    }

    synchronized void startBroker() {
        kafka = LocalKafka.start(kafkaConfig(kafkaPort));
    }

    /** Stops the S3 server; requests are refused until {@link #startStorage}. */
    synchronized void stopStorage() {
        s3.close();
        s3 = null;
    }

    synchronized void startStorage() {
        s3 = LocalS3.start(s3Config(s3Endpoint.endpoint().getPort()));
    }

    /** Every line logged at ERROR by any run of any worker, with the worker's name: none is expected. */
    synchronized List<String> errorLines() {
        List<String> errors = new ArrayList<>();
        for (RunningWorker worker : launched) {
            worker.log().stream()
                    .filter(line -> line.contains(ERROR_LEVEL))
                    .forEach(line -> errors.add(worker.child.name() + ": " + line));
        }
        return errors;
    }

    /** Every worker exit the soak did not cause, each with its log file. */
    List<String> unexpectedExits() {
        synchronized (unexpectedExits) {
            return List.copyOf(unexpectedExits);
        }
    }

    /** Stops the workers, then the servers: whatever the soak left running. */
    @Override
    public synchronized void close() {
        List<ProcessHandle> running = new ArrayList<>();
        for (RunningWorker worker : workers.values()) {
            worker.stopping = true;
            running.add(worker.child.process().toHandle());
        }
        try {
            LocalProcesses.stop(running.stream().filter(ProcessHandle::isAlive).toList(), WORKER_GRACE.plusSeconds(20));
        } finally {
            closeServers();
        }
    }

    private void closeServers() {
        try {
            if (kafka != null) {
                kafka.close();
            }
        } finally {
            if (s3 != null) {
                s3.close();
            }
        }
    }

    private synchronized RunningWorker worker(String name) {
        RunningWorker worker = workers.get(name);
        if (worker == null) {
            throw new IllegalArgumentException("no worker named " + name);
        }
        return worker;
    }

    private synchronized RunningWorker launch(String name) {
        RunningWorker previous = workers.get(name);
        if (previous != null && previous.child.process().isAlive()) {
            throw new IllegalStateException(name + " still runs as pid " + previous.child.pid());
        }
        int httpPort = freePort();
        long logStart = sizeOf(processes.logFile(name));
        RunningWorker worker =
                new RunningWorker(processes.start(workerCommand(name, httpPort), true), httpPort, logStart);
        workers.put(name, worker);
        launched.add(worker);
        worker.child.process().onExit().thenAccept(process -> {
            if (!worker.stopping) {
                unexpectedExits.add(name + " (pid " + process.pid() + ") exited by itself with " + process.exitValue()
                        + "; log " + worker.child.logFile());
            }
        });
        return worker;
    }

    private LocalProcesses.Command workerCommand(String name, int httpPort) {
        Map<String, String> environment = new LinkedHashMap<>();
        // the same id across restarts: the new instance's transactional producer fences the one it replaces
        environment.put("KILN_WORKER_ID", name);
        environment.put("KILN_KAFKA_BOOTSTRAP", bootstrapServers());
        environment.put("KILN_KAFKA_GROUP", group());
        environment.put("KILN_KAFKA_CLIENT_SESSION_TIMEOUT_MS", Long.toString(SESSION_TIMEOUT.toMillis()));
        environment.put("KILN_KAFKA_CLIENT_HEARTBEAT_INTERVAL_MS", "1000");
        environment.put("KILN_MODEL_PATH", model.toString());
        environment.put("KILN_HTTP_PORT", Integer.toString(httpPort));
        environment.put("KILN_SHUTDOWN_GRACE", WORKER_GRACE.toSeconds() + "s");
        // short rests on the retry topics, so that a retried job ends within the run
        environment.put("KILN_RETRY_DELAYS", "2s,5s,10s");
        environment.put("KILN_S3_ENDPOINT", s3Endpoint.endpoint().toString());
        environment.put("KILN_S3_REGION", s3Endpoint.region());
        environment.put("KILN_S3_ACCESS_KEY", s3Endpoint.accessKey());
        environment.put("KILN_S3_SECRET_KEY", s3Endpoint.secretKey());
        environment.put("KILN_S3_BUCKET", LocalProvisioning.BUCKET);
        // the workers share this machine's cores: libtorch would start one OpenMP thread per core in each of them
        environment.put("OMP_NUM_THREADS", Integer.toString(threadsPerWorker()));
        return new LocalProcesses.Command(name, Kiln.class.getName(), List.of("worker"), environment);
    }

    /** This machine's cores shared out among the workers, at least one each. */
    private int threadsPerWorker() {
        return Math.max(1, Runtime.getRuntime().availableProcessors() / Math.max(1, workerCount));
    }

    private LocalKafkaConfig kafkaConfig(int port) {
        return new LocalKafkaConfig(
                dir.resolve("kafka"),
                port,
                ChildLifetime.TIED_TO_PARENT,
                LocalKafkaConfig.DEFAULT_STARTUP_TIMEOUT,
                Map.of(),
                ServerJit.QUICK_START);
    }

    private LocalS3Config s3Config(int port) {
        return new LocalS3Config(
                dir.resolve("s3"),
                port,
                S3Storage.FILESYSTEM,
                ChildLifetime.TIED_TO_PARENT,
                LocalS3Config.DEFAULT_STARTUP_TIMEOUT,
                ServerJit.QUICK_START);
    }

    private static int port(KafkaEndpoint endpoint) {
        String address = endpoint.bootstrapServers();
        return Integer.parseInt(address.substring(address.lastIndexOf(':') + 1));
    }

    private static long sizeOf(Path file) {
        try {
            return Files.exists(file) ? Files.size(file) : 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free port on 127.0.0.1", e);
        }
    }
}
