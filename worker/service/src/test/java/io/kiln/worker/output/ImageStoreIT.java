package io.kiln.worker.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.clients.S3ClientFactory;
import io.kiln.clients.S3Credentials;
import io.kiln.clients.S3Settings;
import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.S3Uri;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import io.kiln.worker.failure.FailureKind;
import io.kiln.worker.failure.JobFailure;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.HeadObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;

@KilnInfra
class ImageStoreIT {
    private static final Instant NOW = Instant.parse("2025-06-01T12:00:00.250Z");
    private static final JobEvent.Succeeded.Timings TIMINGS = new JobEvent.Succeeded.Timings(5, 3_000, 200, 4);

    private final AtomicInteger retries = new AtomicInteger();
    private S3Client admin;
    private String bucket;
    private ImageStore store;

    @BeforeEach
    void createBucketAndStore(S3Endpoint s3) {
        admin = S3ClientFactory.createClient(s3.toS3Settings());
        bucket = "outputs-" + UUID.randomUUID();
        admin.createBucket(request -> request.bucket(bucket));
        store = newStore(s3.toS3Settings(), new OutputLayout(bucket, "renders"));
    }

    @AfterEach
    void close() {
        if (store != null) {
            store.close();
        }
        if (admin != null) {
            admin.close();
        }
    }

    @Test
    void storedImageIsServedByItsPresignedUrlAndListedInTheManifest() throws Exception {
        byte[] png = png(64, 48);

        StoredImage stored = store.putImage("job-1", 0, png, 42, 64, 48);
        store.putManifest(manifest("job-1", stored));
        JobEvent.Succeeded.Image image = store.presign(stored, Duration.ofMinutes(10));

        assertThat(stored.uri()).isEqualTo(new S3Uri(bucket, "renders/job-1/0.png"));
        assertThat(stored.sizeBytes()).isEqualTo(png.length);
        assertThat(stored.sha256()).isEqualTo(sha256(png));
        assertThat(store.findManifest("job-1")).contains(manifest("job-1", stored));
        assertThat(image.urlExpiresAt()).isEqualTo(Instant.parse("2025-06-01T12:10:00Z"));
        assertThat(image.uri()).isEqualTo(stored.uri());
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> response = http.send(
                    HttpRequest.newBuilder(image.url()).GET().build(), HttpResponse.BodyHandlers.ofByteArray());

            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).contains("image/png");
            assertThat(response.body()).isEqualTo(png);
        }
        assertThat(retries).hasValue(0);
    }

    @Test
    void storesContentTypesAndJobMetadata() {
        StoredImage stored = store.putImage("job-2", 1, png(8, 8), 1234567890123L, 8, 8);
        store.putManifest(manifest("job-2", stored));

        HeadObjectResponse image =
                admin.headObject(request -> request.bucket(bucket).key("renders/job-2/1.png"));
        HeadObjectResponse manifest =
                admin.headObject(request -> request.bucket(bucket).key("renders/job-2/result.json"));

        assertThat(image.contentType()).isEqualTo("image/png");
        assertThat(image.metadata()).containsEntry("job-id", "job-2").containsEntry("seed", "1234567890123");
        assertThat(manifest.contentType()).isEqualTo("application/json");
    }

    @Test
    void storingAJobAgainOverwritesItsObjects() {
        store.putImage("job-3", 0, png(16, 16), 7, 16, 16);
        StoredImage second = store.putImage("job-3", 0, png(32, 32), 7, 32, 32);
        store.putManifest(manifest("job-3", second));
        store.putManifest(manifest("job-3", second));

        assertThat(admin.listObjectsV2(request -> request.bucket(bucket).prefix("renders/job-3/"))
                        .contents())
                .extracting(S3Object::key)
                .containsExactly("renders/job-3/0.png", "renders/job-3/result.json");
        assertThat(store.read(second.uri())).isEqualTo(png(32, 32));
    }

    @Test
    void findsNoManifestBeforeTheJobIsStored() {
        store.putImage("job-4", 0, png(8, 8), 1, 8, 8);

        assertThat(store.findManifest("job-4")).isEmpty();
        assertThat(store.findManifest("never-submitted")).isEmpty();
    }

    @Test
    void anUnreadableManifestCountsAsNone() {
        admin.putObject(
                request -> request.bucket(bucket).key("renders/job-5/result.json"),
                RequestBody.fromString("{\"job_id\":"));

        assertThat(store.findManifest("job-5")).isEmpty();
    }

    @Test
    void readsAnInitImage() {
        byte[] png = png(20, 10);
        admin.putObject(request -> request.bucket(bucket).key("uploads/init.png"), RequestBody.fromBytes(png));

        assertThat(store.read(new S3Uri(bucket, "uploads/init.png"))).isEqualTo(png);
    }

    @Test
    void aMissingInitImageFailsTheJobForGoodNamingTheUri() {
        S3Uri missingKey = new S3Uri(bucket, "uploads/missing.png");
        S3Uri missingBucket = new S3Uri("no-such-bucket-" + UUID.randomUUID(), "init.png");

        assertThatThrownBy(() -> store.read(missingKey))
                .isInstanceOfSatisfying(JobFailure.class, failure -> {
                    assertThat(failure.kind()).isEqualTo(FailureKind.TERMINAL);
                    assertThat(failure.code()).isEqualTo(ErrorCode.INIT_IMAGE_UNREADABLE);
                })
                .hasMessageContaining(missingKey.toString())
                .hasMessageContaining("404");
        assertThatThrownBy(() -> store.read(missingBucket))
                .isInstanceOfSatisfying(
                        JobFailure.class, failure -> assertThat(failure.kind()).isEqualTo(FailureKind.TERMINAL))
                .hasMessageContaining(missingBucket.toString())
                .hasMessageContaining("NoSuchBucket");
        assertThat(retries).hasValue(0);
    }

    @Test
    void uploadsThatS3RefusesStopTheWorkerWithoutRetrying(S3Endpoint s3) {
        var wrongSecret = new S3Settings(
                Optional.of(s3.endpoint()), s3.region(), true, S3Credentials.staticKeys(s3.accessKey(), "not-it"));
        String missingBucket = "no-such-bucket-" + UUID.randomUUID();

        try (ImageStore noBucket = newStore(s3.toS3Settings(), new OutputLayout(missingBucket, ""));
                ImageStore badKeys = newStore(wrongSecret, new OutputLayout(bucket, ""))) {
            assertThatThrownBy(() -> noBucket.putImage("job-6", 0, png(8, 8), 1, 8, 8))
                    .isInstanceOfSatisfying(JobFailure.class, failure -> assertThat(failure.kind())
                            .isEqualTo(FailureKind.FATAL))
                    .hasMessageContaining("put of s3://" + missingBucket + "/job-6/0.png")
                    .hasMessageContaining("NoSuchBucket");
            assertThatThrownBy(() -> badKeys.putImage("job-6", 0, png(8, 8), 1, 8, 8))
                    .isInstanceOfSatisfying(JobFailure.class, failure -> assertThat(failure.kind())
                            .isEqualTo(FailureKind.FATAL))
                    .hasMessageContaining("403");
        }
        assertThat(retries).hasValue(0);
    }

    private ImageStore newStore(S3Settings settings, OutputLayout layout) {
        return new ImageStore(
                settings,
                layout,
                new StoragePolicy(Duration.ofMillis(50), Duration.ofMillis(500), Duration.ofSeconds(5)),
                Clock.fixed(NOW, ZoneOffset.UTC),
                retries::incrementAndGet);
    }

    private static ResultManifest manifest(String jobId, StoredImage image) {
        return new ResultManifest(jobId, List.of(image), 1, TIMINGS, NOW, "worker-it", null);
    }

    static byte[] png(int width, int height) {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 255 / width) << 16 | (y * 255 / height) << 8 | 0x40);
            }
        }
        var out = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", out);
        } catch (IOException e) {
            throw new IllegalStateException("ImageIO cannot write a PNG to memory", e);
        }
        return out.toByteArray();
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }
}
