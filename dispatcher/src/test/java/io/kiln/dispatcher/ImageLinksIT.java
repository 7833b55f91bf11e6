package io.kiln.dispatcher;

import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static io.kiln.dispatcher.DispatcherKit.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.JobEvent;
import io.kiln.contracts.S3Uri;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;
import tools.jackson.databind.JsonNode;

/**
 * A succeeded job's images as clients get them: each with a URL presigned when the dispatcher answers, which
 * downloads the stored PNG without credentials. The job "succeeds" as a worker would make it: its PNG put in S3, then
 * a {@code succeeded} event on the event topic.
 */
@KilnInfra
class ImageLinksIT {
    private static DispatcherKit kit;
    private static Dispatcher dispatcher;

    @BeforeAll
    static void start(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        kit = new DispatcherKit(kafka, s3);
        dispatcher = kit.startReady();
    }

    @AfterAll
    static void stop() {
        kit.close();
    }

    @Test
    void aSucceededJobsImageUrlDownloadsExactlyTheStoredPngUntilTheStatedExpiry() throws Exception {
        String jobId = "links-" + UUID.randomUUID();
        byte[] png = TestImages.png(64, 64);
        S3Uri uri = new S3Uri(kit.bucket(), "renders/" + jobId + "/0.png");
        succeed(jobId, png, uri);

        Instant before = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        JsonNode image = status(jobId).get("images").get(0);
        Instant after = Instant.now();

        assertThat(image.get("uri").asString()).isEqualTo(uri.toString());
        assertThat(image.get("sha256").asString()).isEqualTo(DispatcherKit.sha256(png));
        URI url = URI.create(image.get("url").asString());
        // the dispatcher's own signature, not the worker's URL from the event
        assertThat(url.getHost()).isEqualTo("127.0.0.1");
        assertThat(url.getQuery()).contains("X-Amz-Signature=", "X-Amz-Expires=3600");
        assertThat(Instant.parse(image.get("url_expires_at").asString()))
                .isBetween(before.plus(Duration.ofHours(1)), after.plus(Duration.ofHours(1)));
        assertThat(download(url)).isEqualTo(png);
    }

    @Test
    void aCancelAnsweredWithTheSucceededJobCarriesWorkingUrlsToo() throws Exception {
        String jobId = "links-" + UUID.randomUUID();
        byte[] png = TestImages.png(32, 40);
        succeed(jobId, png, new S3Uri(kit.bucket(), "renders/" + jobId + "/0.png"));

        var answer = kit.delete(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY);

        assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
        assertThat(download(
                        URI.create(json(answer).get("images").get(0).get("url").asString())))
                .isEqualTo(png);
    }

    @Test
    void theStatusTopicKeepsImagesWithoutUrls() throws Exception {
        String jobId = "links-" + UUID.randomUUID();
        byte[] png = TestImages.png(16, 16);
        succeed(jobId, png, new S3Uri(kit.bucket(), "renders/" + jobId + "/0.png"));

        var stored = kit.statusRecords(jobId).getLast();

        String value = new String(stored.value(), StandardCharsets.UTF_8);
        assertThat(value).contains("\"succeeded\"", DispatcherKit.sha256(png)).doesNotContain("url");
    }

    /** Stores {@code png} at {@code uri} and makes job {@code jobId} succeed with it, as a worker would. */
    private static void succeed(String jobId, byte[] png, S3Uri uri) throws Exception {
        var submitted = kit.submit(
                dispatcher,
                ALPHA_KEY,
                "{\"job_id\": \"" + jobId + "\", \"prompt\": \"a fox\", \"width\": 64, \"height\": 64}");
        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        kit.s3()
                .putObject(
                        put -> put.bucket(uri.bucket()).key(uri.key()).contentType("image/png"),
                        RequestBody.fromBytes(png));
        var image = new JobEvent.Succeeded.Image(
                uri,
                URI.create("https://s3.example.com/" + uri.bucket() + "/" + uri.key() + "?X-Amz-Signature=worker"),
                Instant.now().plusSeconds(60),
                42,
                64,
                64,
                png.length,
                DispatcherKit.sha256(png));
        kit.publish(jobId, new JobEvent.Started("sd-1.5", "gpu-0", 1));
        kit.publish(jobId, new JobEvent.Succeeded(List.of(image), new JobEvent.Succeeded.Timings(1, 2, 3, 4), 1));
        await().atMost(Duration.ofSeconds(20))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> status(jobId).get("status").asString().equals("succeeded"));
    }

    private static JsonNode status(String jobId) throws Exception {
        var response = kit.get(dispatcher, "/v1/jobs/" + jobId, ALPHA_KEY);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        return json(response);
    }

    /** A plain GET: no API key, no S3 credentials; the URL's signature is all it has. */
    private static byte[] download(URI url) throws Exception {
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<byte[]> response =
                    http.send(HttpRequest.newBuilder(url).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            return response.body();
        }
    }
}
