package io.kiln.dispatcher.config;

/**
 * The metrics endpoint, {@code GET /metrics} in the Prometheus text format, on a port of its own: the API's port asks
 * every caller but the health check for a key, and a scraper should need none.
 *
 * @param host the address to bind; the loopback address by default, like the API's
 * @param port 0 to 65535; 0 takes any free port
 * @param workerGroup the workers' consumer group on the job topic, whose lag {@code kiln_queue_lag} reports
 */
public record MetricsSettings(String host, int port, String workerGroup) {
    /** The workers' group unless configured otherwise (docs/WORKER.md, {@code kafka.group}). */
    public static final String DEFAULT_WORKER_GROUP = "kiln-workers";

    public MetricsSettings {
        Check.notBlank(host, "metrics.host");
        Check.between(port, 0, 65_535, "metrics.port");
        Check.notBlank(workerGroup, "metrics.workerGroup");
    }

    /** 127.0.0.1:8082, for the group {@value #DEFAULT_WORKER_GROUP}. */
    public static MetricsSettings defaults() {
        return new MetricsSettings("127.0.0.1", 8082, DEFAULT_WORKER_GROUP);
    }
}
