package io.kiln.client;

import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobUpdate;
import io.kiln.dispatcher.Dispatcher;
import io.kiln.dispatcher.DispatcherKit;
import io.kiln.dispatcher.config.DispatcherConfig;
import io.kiln.dispatcher.config.HttpSettings;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link JobHandle#events}: a job's events, in order, each once, across a dispatcher that goes away and comes back. */
@KilnInfra
class ClientEventsIT {

    @Test
    void eventsFollowAJobToItsEndAndResumeAfterTheDispatcherRestarted(KafkaEndpoint kafka, S3Endpoint s3)
            throws Exception {
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        try (var kit = new DispatcherKit(kafka, s3);
                var client = KilnClient.builder()
                        .baseUrl(URI.create("http://127.0.0.1:" + port))
                        .apiKey(ALPHA_KEY)
                        .retryPolicy(new RetryPolicy(
                                100, Duration.ofMillis(100), Duration.ofMillis(500), Duration.ofSeconds(60)))
                        .build()) {
            Dispatcher first = kit.start(onPort(kit, kafka, port, "a"));
            JobHandle job = client.submit(GenerationRequest.builder()
                    .prompt("a fox")
                    .width(64)
                    .height(64)
                    .build());
            kit.publish(job.jobId(), new JobEvent.Started("sd", "gpu-0", 1));
            kit.publish(job.jobId(), new JobEvent.Progress(1, 2));

            List<JobUpdate> seen = new CopyOnWriteArrayList<>();
            CompletableFuture<JobUpdate> last = CompletableFuture.supplyAsync(() -> {
                try {
                    return job.events(seen::add);
                } catch (InterruptedException e) {
                    throw new IllegalStateException(e);
                }
            });
            await().atMost(Duration.ofSeconds(20)).until(() -> seen.size() == 3);

            first.close();
            kit.publish(job.jobId(), new JobEvent.Progress(2, 2));
            kit.start(onPort(kit, kafka, port, "b"));
            kit.publish(job.jobId(), DispatcherKit.succeeded(job.jobId()));

            JobUpdate end = last.get(60, TimeUnit.SECONDS);
            assertThat(end.event()).isEqualTo(JobUpdate.Kind.SUCCEEDED);
            assertThat(seen)
                    .extracting(JobUpdate::event)
                    .containsExactly(
                            JobUpdate.Kind.QUEUED,
                            JobUpdate.Kind.STARTED,
                            JobUpdate.Kind.PROGRESS,
                            JobUpdate.Kind.PROGRESS,
                            JobUpdate.Kind.SUCCEEDED);
            assertThat(seen)
                    .extracting(update ->
                            update.progress() == null ? 0 : update.progress().step())
                    .containsExactly(0, 0, 1, 2, 0);
            assertThat(seen).extracting(JobUpdate::sequence).isSorted().doesNotHaveDuplicates();
            assertThat(seen.getLast()).isEqualTo(end);
        }
    }

    @Test
    void eventsOfAJobThisKeyDoesNotHaveAreNotFound(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        try (var kit = new DispatcherKit(kafka, s3)) {
            Dispatcher dispatcher = kit.startReady();
            try (var client = KilnClient.builder()
                    .baseUrl(URI.create("http://127.0.0.1:" + dispatcher.port()))
                    .apiKey(ALPHA_KEY)
                    .build()) {
                assertThatThrownBy(
                                () -> client.job("never-" + UUID.randomUUID()).events(update -> {}))
                        .isInstanceOf(KilnException.NotFound.class);
            }
        }
    }

    private static DispatcherConfig onPort(DispatcherKit kit, KafkaEndpoint kafka, int port, String replica) {
        DispatcherConfig config = kit.config(kafka.bootstrapServers(), Duration.ofSeconds(10), replica);
        return new DispatcherConfig(
                new HttpSettings("127.0.0.1", port, config.http().maxBodyBytes()),
                config.kafka(),
                config.topics(),
                config.status(),
                config.apiKeys(),
                config.storage(),
                config.uploads(),
                config.metrics());
    }
}
