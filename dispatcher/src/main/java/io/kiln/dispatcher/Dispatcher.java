package io.kiln.dispatcher;

import io.kiln.contracts.SeedSource;
import io.kiln.dispatcher.config.ApiKey;
import io.kiln.dispatcher.config.DispatcherConfig;
import io.kiln.dispatcher.http.ApiServer;
import io.kiln.dispatcher.http.ApiServices;
import io.kiln.dispatcher.intake.CancelIntake;
import io.kiln.dispatcher.intake.JobIntake;
import io.kiln.dispatcher.kafka.ClientProperties;
import io.kiln.dispatcher.metrics.ApiMetrics;
import io.kiln.dispatcher.metrics.JobCounts;
import io.kiln.dispatcher.metrics.MetricsServer;
import io.kiln.dispatcher.metrics.QueueLag;
import io.kiln.dispatcher.status.StatusService;
import io.kiln.dispatcher.storage.ImageLinks;
import io.kiln.dispatcher.storage.UploadStore;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running dispatcher: the HTTP API, the producer of jobs and cancels, the status application, the S3 clients and
 * the metrics endpoint, started together and stopped together.
 *
 * <p>Starting does not wait for Kafka, so a dispatcher comes up (and says it is not ready) while Kafka is away: the
 * status application starts once Kafka answers, and {@code POST /v1/jobs} and {@code DELETE /v1/jobs/{id}} answer 503
 * until Kafka takes writes. Nor does it wait for S3: {@code POST /v1/uploads} answers 503 while S3 is away.
 */
public final class Dispatcher implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);
    private static final Duration PRODUCER_CLOSE_TIMEOUT = Duration.ofSeconds(5);

    private final Admin admin;
    private final Producer<String, byte[]> producer;
    private final StatusService status;
    private final ImageLinks links;
    private final UploadStore uploads;
    private final ApiServer api;
    private final MetricsServer metrics;
    private final PrometheusMeterRegistry registry;
    private final AtomicBoolean closed = new AtomicBoolean();

    private Dispatcher(
            Admin admin,
            Producer<String, byte[]> producer,
            StatusService status,
            ImageLinks links,
            UploadStore uploads,
            ApiServer api,
            MetricsServer metrics,
            PrometheusMeterRegistry registry) {
        this.admin = admin;
        this.producer = producer;
        this.status = status;
        this.links = links;
        this.uploads = uploads;
        this.api = api;
        this.metrics = metrics;
        this.registry = registry;
    }

    /**
     * Starts a dispatcher.
     *
     * @throws IllegalStateException if the HTTP address cannot be bound
     */
    public static Dispatcher start(DispatcherConfig config) {
        ClientProperties clients =
                new ClientProperties(config.kafka(), config.status().applicationId());
        List<AutoCloseable> started = new ArrayList<>();
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        started.add(registry::close);
        try {
            Admin admin = Admin.create(clients.admin());
            started.add(admin);
            Producer<String, byte[]> producer = new KafkaProducer<>(clients.jobProducer());
            started.add(producer);
            StatusService status = StatusService.start(admin, config.topics(), clients.streams(config.status()));
            started.add(status);
            JobIntake intake = new JobIntake(
                    producer,
                    config.topics().jobs(),
                    config.kafka().acceptTimeout(),
                    status,
                    SeedSource.secureRandom(),
                    Clock.systemUTC());
            CancelIntake cancels = new CancelIntake(
                    producer, config.topics().control(), config.kafka().acceptTimeout(), intake, Clock.systemUTC());
            ImageLinks links =
                    new ImageLinks(config.storage().s3(), config.storage().urlExpiry(), Clock.systemUTC());
            started.add(links);
            UploadStore uploads =
                    UploadStore.open(config.storage().s3(), config.storage().bucket());
            started.add(uploads);
            QueueLag.register(
                    registry, admin, config.topics().jobs(), config.metrics().workerGroup());
            JobCounts.register(registry, status);
            ApiMetrics apiMetrics = new ApiMetrics(
                    registry, config.apiKeys().stream().map(ApiKey::name).toList());
            MetricsServer metrics = MetricsServer.start(config.metrics(), registry);
            started.add(metrics);
            ApiServer api = ApiServer.start(
                    config.http(),
                    config.apiKeys(),
                    new ApiServices(
                            intake, cancels, () -> unmetReadiness(admin, status, uploads), links, uploads, apiMetrics),
                    config.uploads());
            log.info(
                    "Dispatcher listening on {}:{} ({}), metrics on {}:{}",
                    config.http().host(),
                    api.port(),
                    String.join(", ", api.routes()),
                    config.metrics().host(),
                    metrics.port());
            return new Dispatcher(admin, producer, status, links, uploads, api, metrics, registry);
        } catch (RuntimeException e) {
            for (AutoCloseable closeable : started.reversed()) {
                closeQuietly(closeable);
            }
            throw e;
        }
    }

    /** The port the API listens on: the configured one, or the one taken for port 0. */
    public int port() {
        return api.port();
    }

    /** The port {@code GET /metrics} listens on: the configured one, or the one taken for port 0. */
    public int metricsPort() {
        return metrics.port();
    }

    /**
     * The API's routes, such as {@code GET /v1/jobs/{id}}: each method and path template the HTTP server registered,
     * which the OpenAPI document must describe.
     */
    public List<String> routes() {
        return api.routes();
    }

    /**
     * What keeps this dispatcher from serving: Kafka not answering, the status application not running, S3 not
     * answering for the upload bucket.
     */
    private static List<String> unmetReadiness(Admin admin, StatusService status, UploadStore uploads) {
        List<String> unmet = new ArrayList<>();
        try {
            admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) HEALTH_TIMEOUT.toMillis()))
                    .clusterId()
                    .get(HEALTH_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            unmet.add("Kafka does not answer");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            unmet.add("interrupted");
        }
        if (!status.isRunning()) {
            unmet.add("job status is " + status.state().name().toLowerCase(java.util.Locale.ROOT) + ", not running");
        }
        uploads.unmetReadiness().ifPresent(unmet::add);
        return unmet;
    }

    /**
     * Stops taking requests, then stops the status application, the Kafka clients, the S3 clients and the metrics
     * endpoint.
     */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        api.close();
        closeQuietly(status);
        producer.close(PRODUCER_CLOSE_TIMEOUT);
        // after the clients, so that a scrape during shutdown still answers; the lag gauge asks the admin client
        metrics.close();
        admin.close(HEALTH_TIMEOUT);
        uploads.close();
        links.close();
        registry.close();
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            log.warn("Cannot close {} cleanly", closeable, e);
        }
    }
}
