package io.kiln.infra.local.process;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;

/** Ready when an admin client sees the broker in the cluster's metadata, i.e. the broker serves requests. */
final class KafkaReadiness implements ReadinessProbe {

    private static final int REQUEST_TIMEOUT_MILLIS = 1_000;

    private final int port;
    private Admin admin;

    KafkaReadiness(int port) {
        this.port = port;
    }

    @Override
    public boolean isReady() {
        // Until the socket accepts, an admin client would only log connection warnings.
        if (admin == null) {
            if (!LoopbackPorts.accepts(port)) {
                return false;
            }
            admin = Admin.create(Map.of(
                    AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                    "127.0.0.1:" + port,
                    AdminClientConfig.CLIENT_ID_CONFIG,
                    "kiln-readiness",
                    // short calls: the probe is polled, and must notice a dead broker within the start-up timeout
                    AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG,
                    REQUEST_TIMEOUT_MILLIS,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG,
                    REQUEST_TIMEOUT_MILLIS));
        }
        try {
            return !admin.describeCluster(new DescribeClusterOptions().timeoutMs(REQUEST_TIMEOUT_MILLIS))
                    .nodes()
                    .get()
                    .isEmpty();
        } catch (ExecutionException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    @Override
    public void close() {
        if (admin != null) {
            admin.close(Duration.ZERO);
        }
    }
}
