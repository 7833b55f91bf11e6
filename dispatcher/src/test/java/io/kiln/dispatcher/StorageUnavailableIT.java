package io.kiln.dispatcher;

import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static io.kiln.dispatcher.DispatcherKit.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.clients.S3ClientFactory;
import io.kiln.dispatcher.config.DispatcherConfig;
import io.kiln.dispatcher.config.StorageSettings;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.local.process.LocalS3;
import io.kiln.infra.local.process.LocalS3Config;
import io.kiln.infra.testing.KilnInfra;
import io.kiln.infra.testing.LocalInfraExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * A dispatcher whose S3 server stops, or whose bucket is missing: health turns 503 naming S3, and uploads are 503
 * within their bound. The stopping server is the test's own (s3proxy, as the shared one), since the shared one cannot
 * be stopped.
 */
@KilnInfra
class StorageUnavailableIT {

    @Test
    void healthAndUploadsAre503NamingS3OnceItStops(KafkaEndpoint kafka, S3Endpoint shared) throws Exception {
        Path root = Path.of(System.getProperty(LocalInfraExtension.WORK_ROOT_PROPERTY, "target/kiln-infra"));
        LocalS3 own = LocalS3.start(
                LocalS3Config.forTests(Files.createTempDirectory(Files.createDirectories(root), "s3-stopped-")));
        try (var kit = new DispatcherKit(kafka, shared)) {
            try (var s3 = S3ClientFactory.createClient(own.endpoint().toS3Settings())) {
                s3.createBucket(create -> create.bucket(kit.bucket()));
            }
            DispatcherConfig base = kit.config(kafka.bootstrapServers(), Duration.ofSeconds(10));
            Dispatcher dispatcher = kit.start(new DispatcherConfig(
                    base.http(),
                    base.kafka(),
                    base.topics(),
                    base.status(),
                    base.apiKeys(),
                    kit.storage(own.endpoint()),
                    base.uploads(),
                    base.metrics()));
            await().atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> kit.get(dispatcher, "/v1/health", null).statusCode() == 200);
            assertThat(kit.upload(dispatcher, ALPHA_KEY, "image/png", TestImages.png(8, 8))
                            .statusCode())
                    .isEqualTo(201);

            own.close();

            var health = kit.get(dispatcher, "/v1/health", null);
            assertThat(health.statusCode()).isEqualTo(503);
            JsonNode unmet = json(health).get("unmet");
            assertThat(unmet).hasSize(1);
            assertThat(unmet.get(0).asString()).startsWith("S3 does not answer for the bucket " + kit.bucket());

            long start = System.nanoTime();
            var upload = kit.upload(dispatcher, ALPHA_KEY, "image/png", TestImages.png(8, 8));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            assertThat(upload.statusCode()).as(upload.body()).isEqualTo(503);
            assertThat(json(upload).get("message").asString()).startsWith("S3 did not store the upload");
            assertThat(took).isLessThan(Duration.ofSeconds(12));
        } finally {
            own.close();
        }
    }

    @Test
    void aMissingUploadBucketIsUnmetAsRefusedByS3(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        try (var kit = new DispatcherKit(kafka, s3)) {
            DispatcherConfig base = kit.config(kafka.bootstrapServers(), Duration.ofSeconds(10));
            var missing = new StorageSettings(s3.toS3Settings(), "missing-" + kit.bucket(), Duration.ofHours(1));
            Dispatcher dispatcher = kit.start(new DispatcherConfig(
                    base.http(),
                    base.kafka(),
                    base.topics(),
                    base.status(),
                    base.apiKeys(),
                    missing,
                    base.uploads(),
                    base.metrics()));

            // once Kafka and the status application are ready, S3's refusal is all that is left
            await().atMost(Duration.ofSeconds(40))
                    .pollInterval(Duration.ofMillis(200))
                    .untilAsserted(() -> {
                        var health = kit.get(dispatcher, "/v1/health", null);
                        assertThat(health.statusCode()).isEqualTo(503);
                        JsonNode unmet = json(health).get("unmet");
                        assertThat(unmet).hasSize(1);
                        assertThat(unmet.get(0).asString())
                                .startsWith("S3 refuses the bucket missing-" + kit.bucket() + " (404");
                    });
        }
    }
}
