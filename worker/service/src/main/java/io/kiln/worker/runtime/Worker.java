package io.kiln.worker.runtime;

import io.kiln.engine.image.ModelHash;
import io.kiln.engine.model.ModelLoader;
import io.kiln.engine.model.StableDiffusionModel;
import io.kiln.engine.pipeline.SeededNoise;
import io.kiln.engine.pipeline.StableDiffusionPipeline;
import io.kiln.jobs.ServedModel;
import io.kiln.worker.config.WorkerConfig;
import io.kiln.worker.control.Cancellations;
import io.kiln.worker.control.ControlListener;
import io.kiln.worker.failure.JobFailure;
import io.kiln.worker.kafka.EventRecords;
import io.kiln.worker.kafka.KafkaClientProperties;
import io.kiln.worker.kafka.LiveEvents;
import io.kiln.worker.kafka.OutcomePublisher;
import io.kiln.worker.kafka.TopicProvisioner;
import io.kiln.worker.ops.HealthServer;
import io.kiln.worker.ops.WorkerMetrics;
import io.kiln.worker.output.ImageStore;
import io.kiln.worker.output.OutputLayout;
import io.kiln.worker.output.StoragePolicy;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.function.Function;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kiln worker: one member of the consumer group on the job topic, with its model loaded, its engine thread, its
 * output stage and its HTTP port. {@link #start} brings it up in order (HTTP first, so that liveness answers while
 * the model loads); {@link #close} stops it gracefully.
 */
public final class Worker implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Worker.class);
    private static final Duration CONTROL_CATCH_UP = Duration.ofSeconds(30);

    private final WorkerConfig config;
    private final Deque<AutoCloseable> resources = new ArrayDeque<>();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final HealthServer health;
    private volatile boolean modelLoaded;
    // all three read by the HTTP threads' readiness probes
    private volatile ControlListener control;
    private volatile PollLoop loop;
    private volatile Thread pollThread;

    private Worker(WorkerConfig config) {
        this.config = config;
        this.health = HealthServer.start(config.http(), this::unmetReadiness, registry);
        resources.push(health);
        resources.push(registry::close);
    }

    /**
     * Starts a worker: HTTP port, model, topics, control reader, S3, producers, then the poll thread.
     *
     * @throws IOException when the model cannot be read
     * @throws InterruptedException when interrupted while starting
     */
    public static Worker start(WorkerConfig config) throws IOException, InterruptedException {
        return start(config, KafkaConsumer::new);
    }

    /**
     * Starts a worker whose job consumer {@code jobConsumers} makes from its properties: the real one, or, in a test,
     * one that times a fault the broker cannot be made to produce (a wakeup inside a rebalance callback).
     */
    static Worker start(WorkerConfig config, Function<Map<String, Object>, Consumer<byte[], byte[]>> jobConsumers)
            throws IOException, InterruptedException {
        Worker worker = new Worker(config);
        try {
            worker.startParts(jobConsumers);
            return worker;
        } catch (IOException | InterruptedException | RuntimeException e) {
            worker.closeResources();
            throw e;
        }
    }

    private void startParts(Function<Map<String, Object>, Consumer<byte[], byte[]>> jobConsumers)
            throws IOException, InterruptedException {
        Clock clock = Clock.systemUTC();
        var metrics = new WorkerMetrics(registry);
        var kafka = new KafkaClientProperties(config.kafka(), config.workerId());
        var topics = config.topics();

        // 1. the model and the hash each PNG names it by, side by side: both read all the weights (seconds for SD 1.5)
        var hashing = new FutureTask<>(() -> ModelHash.of(config.model().path()));
        Thread.ofVirtual().name("kiln-model-hash").start(hashing);
        StableDiffusionModel model = ModelLoader.load(
                config.model().path(), Optional.empty(), config.model().options());
        resources.push(model);
        var identity = new WorkerIdentity(config.workerId(), config.model().name(), await(hashing));
        modelLoaded = true;

        // 2. the topics, and the cancels already written
        var provisioned =
                TopicProvisioner.ensure(kafka.admin(), topics, config.retry().retries());
        var cancellations = new Cancellations();
        control = new ControlListener(
                kafka.controlConsumer(), topics.control(), provisioned.controlRetention(), cancellations, clock);
        resources.push(control);
        control.start();
        if (!control.awaitCaughtUp(CONTROL_CATCH_UP)) {
            log.warn("the control topic was not read to its end within {}; starting anyway", CONTROL_CATCH_UP);
        }

        // 3. S3 and the producers
        var storage = config.storage();
        var store = new ImageStore(
                storage.s3(),
                new OutputLayout(storage.bucket(), storage.prefix()),
                new StoragePolicy(
                        config.retry().storageInitialBackoff(),
                        config.retry().storageMaxBackoff(),
                        config.retry().storageGiveUpAfter()),
                clock,
                metrics::storageRetry);
        resources.push(store);
        var events = new EventRecords(topics.events(), config.workerId(), clock);
        var live = new LiveEvents(kafka.eventProducer(), events);
        resources.push(live);
        var publisher = new OutcomePublisher(
                kafka.transactionalProducer(),
                live,
                events,
                topics,
                config.retry().delays(),
                provisioned.partitions().get(topics.deadLetters()),
                clock);
        resources.push(publisher);
        publisher.initTransactions(clock.instant().plus(config.retry().brokerGiveUpAfter()));

        // 4. the engine, the output stage and the poll thread
        var priorRuns = new PriorRuns(store::findManifest, metrics::manifestLookUp);
        resources.push(priorRuns);
        var initImages = new InitImages(store::read);
        resources.push(initImages);
        var outcomes = new Outcomes();
        var output = new OutputStage(store, identity, storage.urlExpiry(), outcomes, clock);
        resources.push(output);
        var engine = new BatchEngine(
                new StableDiffusionPipeline(model, new SeededNoise()),
                identity,
                cancellations,
                new BatchEngine.Reporting(live, output, outcomes),
                metrics,
                clock);
        resources.push(engine);
        loop = new PollLoop(
                new PollLoop.Clients(jobConsumers.apply(kafka.jobConsumer()), publisher),
                new PollLoop.Sources(
                        topics.jobsAndRetries(),
                        new RequestIntake(ServedModel.of(config.model().name(), model), model.schedulerConfig()),
                        priorRuns,
                        initImages),
                new PollLoop.Stages(engine, output, outcomes),
                new PollLoop.Settings(
                        config.batching(),
                        config.shutdown().grace(),
                        config.retry().brokerGiveUpAfter()),
                metrics,
                clock);
        pollThread = Thread.ofPlatform().name("kiln-poll").start(loop);
        log.info(
                "worker {} started: model {} ({}), HTTP on port {}",
                config.workerId(),
                identity.model(),
                identity.modelHash(),
                health.port());
    }

    private static String await(FutureTask<String> hashing) throws IOException, InterruptedException {
        try {
            return hashing.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("hashing the model failed: " + e.getCause(), e.getCause());
        }
    }

    /** What keeps the worker from being ready; empty when it is. */
    public List<String> unmetReadiness() {
        List<String> unmet = new ArrayList<>();
        if (!modelLoaded) {
            unmet.add("model not loaded");
        }
        PollLoop polling = loop;
        if (polling == null || !polling.joined()) {
            unmet.add("consumer group not joined");
        }
        if (polling != null) {
            // the poll thread may take a while to wind down after these; no job should be sent here meanwhile
            polling.fatal().ifPresent(failure -> unmet.add("failed: " + failure.getMessage()));
            if (polling.stopping()) {
                unmet.add("stopping");
            }
        }
        Thread polls = pollThread;
        if (polls != null && !polls.isAlive()) {
            unmet.add("stopped");
        }
        ControlListener reader = control;
        if (reader != null && !reader.healthy()) {
            // a worker that reads no cancels would run jobs its users have cancelled
            unmet.add("control topic not read");
        }
        return unmet;
    }

    /** The port the health and metrics endpoints answer on. */
    public int httpPort() {
        return health.port();
    }

    /** Waits until the poll thread ends: after {@link #close}, or on a fatal failure. */
    public void awaitTermination() throws InterruptedException {
        pollThread.join();
    }

    /** The failure that stopped the worker, if one did. */
    public Optional<JobFailure> fatalFailure() {
        return loop == null ? Optional.empty() : loop.fatal();
    }

    /**
     * Stops gracefully: no more fetching, the running batch gets the shutdown grace period, finished jobs are
     * committed, and the worker leaves its group.
     */
    @Override
    public void close() {
        if (loop != null) {
            loop.stop();
            try {
                pollThread.join(config.shutdown().grace().plusSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        closeResources();
    }

    private void closeResources() {
        while (!resources.isEmpty()) {
            AutoCloseable resource = resources.pop();
            try {
                resource.close();
            } catch (Exception e) {
                log.warn("closing {} failed", resource, e);
            }
        }
    }
}
