package io.kiln.dispatcher;

import static io.kiln.dispatcher.DispatcherKit.ALPHA;
import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static io.kiln.dispatcher.DispatcherKit.BETA;
import static io.kiln.dispatcher.DispatcherKit.BETA_KEY;
import static io.kiln.dispatcher.DispatcherKit.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.Mode;
import io.kiln.contracts.ParseResult;
import io.kiln.contracts.RequestParser;
import io.kiln.contracts.S3Uri;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.ResponseBytes;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.S3Object;
import tools.jackson.databind.JsonNode;

/** {@code POST /v1/uploads} of one dispatcher, storing into the real S3 server. */
@KilnInfra
class UploadApiIT {
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
    void aPngAndAJpegAreStoredUnderTheirSha256AndReadBackUnchanged() throws Exception {
        byte[] png = TestImages.png(64, 48);
        byte[] jpeg = TestImages.jpeg(40, 72);

        var pngAnswer = kit.upload(dispatcher, ALPHA_KEY, "image/png", png);
        var jpegAnswer = kit.upload(dispatcher, ALPHA_KEY, "image/jpeg; charset=binary", jpeg);

        assertThat(pngAnswer.statusCode()).as(pngAnswer.body()).isEqualTo(201);
        JsonNode stored = json(pngAnswer);
        String pngSha = DispatcherKit.sha256(png);
        assertThat(stored.get("uri").asString())
                .isEqualTo("s3://" + kit.bucket() + "/uploads/" + ALPHA + "/" + pngSha + ".png");
        assertThat(stored.get("sha256").asString()).isEqualTo(pngSha);
        assertThat(stored.get("width").asInt()).isEqualTo(64);
        assertThat(stored.get("height").asInt()).isEqualTo(48);
        assertThat(stored.get("size_bytes").asLong()).isEqualTo(png.length);
        var pngObject = object(stored.get("uri").asString());
        assertThat(pngObject.asByteArray()).isEqualTo(png);
        assertThat(pngObject.response().contentType()).isEqualTo("image/png");

        assertThat(jpegAnswer.statusCode()).as(jpegAnswer.body()).isEqualTo(201);
        JsonNode jpegStored = json(jpegAnswer);
        assertThat(jpegStored.get("uri").asString())
                .isEqualTo("s3://" + kit.bucket() + "/uploads/" + ALPHA + "/" + DispatcherKit.sha256(jpeg) + ".jpg");
        assertThat(jpegStored.get("width").asInt()).isEqualTo(40);
        assertThat(jpegStored.get("height").asInt()).isEqualTo(72);
        var jpegObject = object(jpegStored.get("uri").asString());
        assertThat(jpegObject.asByteArray()).isEqualTo(jpeg);
        assertThat(jpegObject.response().contentType()).isEqualTo("image/jpeg");
    }

    @Test
    void theSameImageUploadedAgainIsTheSameObjectAndAnotherKeysCopyIsItsOwn() throws Exception {
        byte[] png = TestImages.png(32, 32);

        String first = json(kit.upload(dispatcher, ALPHA_KEY, "image/png", png))
                .get("uri")
                .asString();
        var again = kit.upload(dispatcher, ALPHA_KEY, "image/png", png);
        String beta = json(kit.upload(dispatcher, BETA_KEY, "image/png", png))
                .get("uri")
                .asString();

        assertThat(again.statusCode()).isEqualTo(201);
        assertThat(json(again).get("uri").asString()).isEqualTo(first);
        assertThat(beta).isNotEqualTo(first).contains("/uploads/" + BETA + "/");
        assertThat(objectKeysWith(DispatcherKit.sha256(png))).hasSize(2);
    }

    @Test
    void theUploadedUriIsTheInitImageOfAnImg2imgJob() throws Exception {
        String uri = json(kit.upload(dispatcher, ALPHA_KEY, "image/png", TestImages.png(64, 64)))
                .get("uri")
                .asString();
        String jobId = "img2img-" + UUID.randomUUID();

        var submitted = kit.submit(
                dispatcher,
                ALPHA_KEY,
                "{\"job_id\": \"" + jobId + "\", \"prompt\": \"a fox in snow\", \"mode\": \"img2img\","
                        + " \"init_image\": \"" + uri + "\", \"width\": 64, \"height\": 64}");

        assertThat(submitted.statusCode()).as(submitted.body()).isEqualTo(202);
        var written = (ParseResult.Valid)
                RequestParser.parse(kit.jobRecords(jobId).getFirst().value());
        assertThat(written.request().mode()).isEqualTo(Mode.IMG2IMG);
        assertThat(written.request().initImage()).isEqualTo(S3Uri.parse(uri));
    }

    @Test
    void aBodyThatIsNotAnImageOfItsContentTypeIs400NamingTheBodyAndStoresNothing() throws Exception {
        byte[] garbage = "definitely not a picture".repeat(20).getBytes(StandardCharsets.UTF_8);
        byte[] png = TestImages.png(24, 24);
        byte[] truncated = Arrays.copyOf(TestImages.png(64, 64), 200);

        assertRefused400(
                kit.upload(dispatcher, ALPHA_KEY, "image/png", garbage), "the body is not a PNG or JPEG image");
        assertRefused400(
                kit.upload(dispatcher, ALPHA_KEY, "image/jpeg", png),
                "the body is a PNG image, but its Content-Type says image/jpeg");
        assertRefused400(
                kit.upload(dispatcher, ALPHA_KEY, "image/png", truncated), "the PNG image is damaged or truncated");
        assertRefused400(
                kit.upload(dispatcher, ALPHA_KEY, "image/png", TestImages.pngDeclaring(100_000, 100_000)),
                "the PNG image is 100000x100000, more than the 16777216 pixels accepted");
        assertRefused400(kit.upload(dispatcher, ALPHA_KEY, "image/png", new byte[0]), "the body is empty");

        assertThat(objectKeysWith(DispatcherKit.sha256(garbage))).isEmpty();
        assertThat(objectKeysWith(DispatcherKit.sha256(png))).isEmpty();
    }

    @Test
    void otherContentTypesAre415AndALargerBodyIs413() throws Exception {
        byte[] png = TestImages.png(16, 16);

        for (String contentType : new String[] {"image/gif", "application/octet-stream", null}) {
            var refused = kit.upload(dispatcher, ALPHA_KEY, contentType, png);
            assertThat(refused.statusCode()).as(contentType).isEqualTo(415);
            assertThat(json(refused).get("code").asString()).isEqualTo("unsupported_media_type");
            assertThat(json(refused).get("message").asString()).contains("image/png or image/jpeg");
        }
        var large = kit.upload(dispatcher, ALPHA_KEY, "image/png", new byte[(int) DispatcherKit.MAX_UPLOAD_BYTES + 1]);
        assertThat(large.statusCode()).isEqualTo(413);
        assertThat(json(large).get("message").asString()).contains(Long.toString(DispatcherKit.MAX_UPLOAD_BYTES));
    }

    @Test
    void anUploadWithoutAKnownKeyIs401() throws Exception {
        byte[] png = TestImages.png(20, 20);

        var anonymous = kit.upload(dispatcher, null, "image/png", png);
        var stranger = kit.upload(dispatcher, "not-a-key", "image/png", png);

        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(json(anonymous).get("message").asString()).contains("Authorization: Bearer");
        assertThat(stranger.statusCode()).isEqualTo(401);
        assertThat(objectKeysWith(DispatcherKit.sha256(png))).isEmpty();
    }

    @Test
    void anUploadBeyondTheConcurrencyLimitIs503AtOnceAndTheOneInProgressCompletes() throws Exception {
        // the kit's dispatchers take one upload at a time: hold it with a request that has sent half its body, written
        // on a plain socket so that the test decides when each byte goes
        byte[] png = TestImages.png(48, 48);
        try (Socket held = new Socket(InetAddress.getLoopbackAddress(), dispatcher.port())) {
            held.setSoTimeout(30_000);
            OutputStream out = held.getOutputStream();
            out.write(("POST /v1/uploads HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + ALPHA_KEY
                            + "\r\nContent-Type: image/png\r\nContent-Length: " + png.length
                            + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(png, 0, png.length / 2);
            out.flush();

            byte[] other = TestImages.png(8, 8);
            await().atMost(Duration.ofSeconds(20))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() ->
                            kit.upload(dispatcher, BETA_KEY, "image/png", other).statusCode() == 503);
            var busy = kit.upload(dispatcher, BETA_KEY, "image/png", other);
            assertThat(busy.statusCode()).isEqualTo(503);
            assertThat(busy.headers().firstValue("Retry-After")).contains("1");
            assertThat(json(busy).get("message").asString()).contains("too many uploads in progress");

            out.write(png, png.length / 2, png.length - png.length / 2);
            out.flush();
            String answer = new String(held.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(answer).startsWith("HTTP/1.1 201").contains(DispatcherKit.sha256(png));
        }
        assertThat(kit.upload(dispatcher, BETA_KEY, "image/png", TestImages.png(8, 8))
                        .statusCode())
                .isEqualTo(201);
    }

    private static void assertRefused400(HttpResponse<String> response, String message) {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(400);
        JsonNode error = json(response).get("errors").get(0);
        assertThat(error.get("field").asString()).isEqualTo("$");
        assertThat(error.get("message").asString()).startsWith(message);
    }

    private static ResponseBytes<GetObjectResponse> object(String uri) {
        S3Uri location = S3Uri.parse(uri);
        return kit.s3().getObjectAsBytes(get -> get.bucket(location.bucket()).key(location.key()));
    }

    private static java.util.List<String> objectKeysWith(String sha256) {
        return kit.s3().listObjectsV2Paginator(list -> list.bucket(kit.bucket()).prefix("uploads/")).contents().stream()
                .map(S3Object::key)
                .filter(key -> key.contains(sha256))
                .toList();
    }
}
