package io.kiln.worker.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.kiln.clients.S3ClientFactory;
import io.kiln.clients.S3Settings;
import io.kiln.contracts.ErrorCode;
import io.kiln.infra.local.process.LocalS3;
import io.kiln.worker.failure.FailureKind;
import io.kiln.worker.failure.JobFailure;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** An {@link ImageStore} while S3 is down: it retries at a bounded pace, recovers, gives up in time, and stops. */
class ImageStoreOutageIT {
    private static final String BUCKET = "outputs";
    private static final OutputLayout LAYOUT = new OutputLayout(BUCKET, "renders");

    private final AtomicInteger retries = new AtomicInteger();

    @Test
    void completesConcurrentUploadsWhenS3ComesBackWithinTheRetryBudget() throws Exception {
        var policy = new StoragePolicy(Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofSeconds(60));
        ExecutorService uploaders = Executors.newFixedThreadPool(4);
        try (OutageS3 s3 = OutageS3.start();
                ImageStore store = newStore(s3.endpoint().toS3Settings(), policy)) {
            try (S3Client admin = S3ClientFactory.createClient(s3.endpoint().toS3Settings())) {
                admin.createBucket(request -> request.bucket(BUCKET));
            }
            s3.stop();
            byte[] png = ImageStoreIT.png(256, 256);
            List<Future<StoredImage>> uploads = new ArrayList<>();
            for (int index = 0; index < 4; index++) {
                int image = index;
                uploads.add(uploaders.submit(() -> store.putImage("job-outage", image, png, 100 + image, 256, 256)));
            }

            await().atMost(Duration.ofSeconds(5)).until(() -> retries.get() >= 2);
            await().during(Duration.ofSeconds(5)).atMost(Duration.ofSeconds(7)).until(() -> uploads.stream()
                    .noneMatch(Future::isDone));
            int retriesDuringOutage = retries.get();

            s3.restart();
            for (Future<StoredImage> upload : uploads) {
                StoredImage stored = upload.get(10, TimeUnit.SECONDS);
                assertThat(store.read(stored.uri())).isEqualTo(png);
            }
            // Four callers retrying on their own would make over 40 attempts in 8 s; the shared breaker lets one
            // trial through per open period, at most one a second once the outage lasts.
            assertThat(retriesDuringOutage).isLessThan(30);
        } finally {
            uploaders.shutdownNow();
        }
    }

    @Test
    void givesUpAsRetriableStorageUnavailableWhenTheBudgetRunsOut() throws IOException {
        var policy = new StoragePolicy(Duration.ofMillis(50), Duration.ofMillis(400), Duration.ofMillis(1500));

        try (ImageStore store = newStore(deadEndpoint(), policy)) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> store.putImage("job-late", 0, ImageStoreIT.png(8, 8), 1, 8, 8))
                    .isInstanceOfSatisfying(JobFailure.class, failure -> {
                        assertThat(failure.kind()).isEqualTo(FailureKind.RETRIABLE);
                        assertThat(failure.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
                    })
                    .hasMessageContaining("put of s3://outputs/renders/job-late/0.png")
                    .hasMessageContaining("gave up");
            Duration took = Duration.ofNanos(System.nanoTime() - start);

            assertThat(took).isBetween(Duration.ofMillis(1500), Duration.ofMillis(2500));
            assertThat(retries.get()).isBetween(3, 15);
        }
    }

    @Test
    void anInterruptEndsTheRetryingAtOnceAndKeepsTheInterruptFlag() throws Exception {
        var policy = new StoragePolicy(Duration.ofMillis(100), Duration.ofSeconds(5), Duration.ofMinutes(5));
        var failure = new AtomicReference<Throwable>();
        var flagKept = new AtomicBoolean();

        try (ImageStore store = newStore(deadEndpoint(), policy)) {
            Thread uploader = Thread.ofPlatform().start(() -> {
                try {
                    store.putImage("job-stopped", 0, ImageStoreIT.png(8, 8), 1, 8, 8);
                } catch (RuntimeException e) {
                    failure.set(e);
                    flagKept.set(Thread.currentThread().isInterrupted());
                }
            });
            await().atMost(Duration.ofSeconds(5)).until(() -> retries.get() >= 3);

            long interruptedAt = System.nanoTime();
            uploader.interrupt();
            uploader.join(Duration.ofSeconds(2));

            assertThat(uploader.isAlive()).isFalse();
            assertThat(Duration.ofNanos(System.nanoTime() - interruptedAt)).isLessThan(Duration.ofMillis(500));
        }
        assertThat(failure.get())
                .isInstanceOfSatisfying(JobFailure.class, e -> {
                    assertThat(e.kind()).isEqualTo(FailureKind.RETRIABLE);
                    assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE);
                })
                .hasMessageContaining("interrupted");
        assertThat(flagKept).isTrue();
    }

    private ImageStore newStore(S3Settings settings, StoragePolicy policy) {
        return new ImageStore(settings, LAYOUT, policy, Clock.systemUTC(), retries::incrementAndGet);
    }

    /** Settings for a stopped server: a loopback port nothing listens on, so every connection is refused. */
    private static S3Settings deadEndpoint() throws IOException {
        int port;
        try (var socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        return S3Settings.compatibleStore(
                URI.create("http://127.0.0.1:" + port), LocalS3.REGION, LocalS3.ACCESS_KEY, LocalS3.SECRET_KEY);
    }
}
