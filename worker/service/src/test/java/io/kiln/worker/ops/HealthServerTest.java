package io.kiln.worker.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.kiln.contracts.ErrorCode;
import io.kiln.worker.config.HttpSettings;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.net.ConnectException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class HealthServerTest {
    private static final HttpSettings ANY_LOOPBACK_PORT = new HttpSettings("127.0.0.1", 0);

    private final HttpClient client =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final AtomicReference<List<String>> unmet =
            new AtomicReference<>(List.of("model not loaded", "consumer group not joined"));
    private HealthServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
        client.close();
    }

    private HealthServer start(Supplier<List<String>> readiness) {
        server = HealthServer.start(ANY_LOOPBACK_PORT, readiness, registry);
        return server;
    }

    private HttpResponse<String> get(String host, int port, String path) throws IOException, InterruptedException {
        var request = HttpRequest.newBuilder(URI.create("http://" + host + ":" + port + path))
                .timeout(Duration.ofSeconds(5))
                .build();
        return client.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return get("127.0.0.1", server.port(), path);
    }

    @Test
    void isLiveOnTheFreePortItTook() throws Exception {
        start(unmet::get);

        assertThat(server.port()).isPositive();
        var live = get("/health/live");
        assertThat(live.statusCode()).isEqualTo(200);
        assertThat(live.body()).isEqualTo("live");
    }

    @Test
    void turnsReadyOnceNothingIsMissing() throws Exception {
        start(unmet::get);

        var notReady = get("/health/ready");
        assertThat(notReady.statusCode()).isEqualTo(503);
        assertThat(notReady.body()).isEqualTo("not ready: model not loaded, consumer group not joined");

        unmet.set(List.of("consumer group not joined"));
        assertThat(get("/health/ready").body()).isEqualTo("not ready: consumer group not joined");

        unmet.set(List.of());
        var ready = get("/health/ready");
        assertThat(ready.statusCode()).isEqualTo(200);
        assertThat(ready.body()).isEqualTo("ready");
    }

    @Test
    void isNotReadyWhenTheReadinessCheckFails() throws Exception {
        start(() -> {
            throw new IllegalStateException("consumer closed");
        });

        var response = get("/health/ready");

        assertThat(response.statusCode()).isEqualTo(503);
        assertThat(response.body()).contains("readiness check failed", "consumer closed");
    }

    @Test
    void servesTheRecordedMetricsInPrometheusTextFormat() throws Exception {
        WorkerMetrics metrics = new WorkerMetrics(registry);
        metrics.jobConsumed();
        metrics.jobConsumed();
        metrics.jobSucceeded();
        metrics.jobFailed(ErrorCode.OUT_OF_MEMORY);
        metrics.batchRan(4, Duration.ofSeconds(2), Duration.ofMillis(500));
        metrics.queueWait(Duration.ofMillis(500));
        metrics.step(Duration.ofMillis(100));
        metrics.storageRetry();
        metrics.brokerRetry();
        start(unmet::get);

        var response = get("/metrics");

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type"))
                .hasValueSatisfying(type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
        assertThat(response.body().lines())
                .contains(
                        "kiln_jobs_consumed_total 2.0",
                        "kiln_jobs_succeeded_total 1.0",
                        "kiln_jobs_failed_total{code=\"out_of_memory\"} 1.0",
                        "kiln_jobs_failed_total{code=\"internal\"} 0.0",
                        "kiln_jobs_dead_lettered_total 0.0",
                        "kiln_batch_size_images_count 1",
                        "kiln_batch_size_images_sum 4.0",
                        "kiln_batch_images_per_second 2.0",
                        "kiln_batch_denoise_seconds_count 1",
                        "kiln_batch_denoise_seconds_sum 2.0",
                        "kiln_batch_decode_seconds_sum 0.5",
                        "kiln_queue_wait_seconds_sum 0.5",
                        "kiln_denoise_step_seconds_count 1",
                        "kiln_storage_retries_total 1.0",
                        "kiln_broker_retries_total 1.0");
    }

    @Test
    void stopsServingWhenClosed() throws Exception {
        int port = start(unmet::get).port();
        server.close();
        server = null;

        assertThatThrownBy(() -> get("127.0.0.1", port, "/health/live")).isInstanceOf(ConnectException.class);
    }

    @Test
    void listensOnlyOnTheConfiguredHost() throws Exception {
        Optional<InetAddress> external = nonLoopbackIpv4();
        assumeTrue(external.isPresent(), "this machine has no non-loopback IPv4 address to try");
        int port = start(unmet::get).port();

        assertThat(get("/health/live").statusCode()).isEqualTo(200);
        assertThatThrownBy(() -> get(external.get().getHostAddress(), port, "/health/live"))
                .isInstanceOf(ConnectException.class);
    }

    @Test
    void saysWhichAddressItCouldNotBind() {
        HttpSettings taken = new HttpSettings("127.0.0.1", start(unmet::get).port());

        assertThatThrownBy(() -> HealthServer.start(taken, List::of, registry))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("http: cannot listen on 127.0.0.1:" + taken.port());
    }

    private static Optional<InetAddress> nonLoopbackIpv4() throws SocketException {
        return NetworkInterface.networkInterfaces()
                .filter(HealthServerTest::isUp)
                .flatMap(NetworkInterface::inetAddresses)
                .filter(address -> address instanceof Inet4Address && !address.isLoopbackAddress())
                .findFirst();
    }

    private static boolean isUp(NetworkInterface network) {
        try {
            return network.isUp();
        } catch (SocketException e) {
            return false;
        }
    }
}
