package io.kiln.client;

import static io.kiln.dispatcher.DispatcherKit.ALPHA_KEY;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobStatus;
import io.kiln.contracts.Mode;
import io.kiln.contracts.ParseResult;
import io.kiln.contracts.RequestParser;
import io.kiln.contracts.S3Uri;
import io.kiln.dispatcher.Dispatcher;
import io.kiln.dispatcher.DispatcherKit;
import io.kiln.dispatcher.TestImages;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/** Uploads and downloads through the client, against a real dispatcher on the real broker and S3 server. */
@KilnInfra
class ImageTransferIT {
    private static DispatcherKit kit;
    private static KilnClient client;

    @BeforeAll
    static void start(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        kit = new DispatcherKit(kafka, s3);
        Dispatcher dispatcher = kit.startReady();
        client = KilnClient.builder()
                .baseUrl(URI.create("http://127.0.0.1:" + dispatcher.port()))
                .apiKey(ALPHA_KEY)
                .build();
    }

    @AfterAll
    static void stop() {
        client.close();
        kit.close();
    }

    @Test
    void anUploadedImageIsInS3AndStartsAnImg2imgJob(@TempDir Path dir) throws Exception {
        byte[] jpeg = TestImages.jpeg(64, 64);
        Path file = Files.write(dir.resolve("fox.jpg"), jpeg);

        S3Uri uri = client.upload(file, "image/jpeg");
        JobHandle job = client.submit(GenerationRequest.builder()
                .mode(Mode.IMG2IMG)
                .initImage(uri)
                .prompt("a fox in snow, oil painting")
                .width(64)
                .height(64)
                .build());

        assertThat(uri.bucket()).isEqualTo(kit.bucket());
        assertThat(kit.s3()
                        .getObjectAsBytes(get -> get.bucket(uri.bucket()).key(uri.key()))
                        .asByteArray())
                .isEqualTo(jpeg);
        assertThat(client.upload(jpeg, "image/jpeg")).isEqualTo(uri);
        var written = (ParseResult.Valid)
                RequestParser.parse(kit.jobRecords(job.jobId()).getFirst().value());
        assertThat(written.request().initImage()).isEqualTo(uri);
    }

    @Test
    void refusedUploadsThrowTheirOwnExceptionNamingTheCause() {
        byte[] png = TestImages.png(16, 16);

        assertThatThrownBy(() -> client.upload(png, "image/jpeg"))
                .isInstanceOfSatisfying(
                        KilnException.InvalidRequest.class,
                        e -> assertThat(e.violations()).singleElement().satisfies(violation -> {
                            assertThat(violation.field()).isEqualTo("$");
                            assertThat(violation.rule()).contains("the body is a PNG image");
                        }));
        assertThatThrownBy(() -> client.upload(png, "image/webp"))
                .isInstanceOf(KilnException.UnsupportedMediaType.class)
                .hasMessageContaining("image/png or image/jpeg");
        assertThatThrownBy(() -> client.upload(new byte[(int) DispatcherKit.MAX_UPLOAD_BYTES + 1], "image/png"))
                .isInstanceOf(KilnException.PayloadTooLarge.class);
    }

    @Test
    void downloadSavesEachImageAsJobIdAndIndexWithTheSha256TheStatusGives(@TempDir Path dir) throws Exception {
        byte[] first = TestImages.png(64, 64);
        byte[] second = TestImages.png(64, 48);
        JobHandle job =
                succeeded(List.of(first, second), List.of(DispatcherKit.sha256(first), DispatcherKit.sha256(second)));

        List<Path> saved = job.download(dir.resolve("out"));

        assertThat(saved)
                .containsExactly(
                        dir.resolve("out").resolve(job.jobId() + "-0.png"),
                        dir.resolve("out").resolve(job.jobId() + "-1.png"));
        assertThat(saved.get(0)).hasBinaryContent(first);
        assertThat(saved.get(1)).hasBinaryContent(second);
        assertThat(dir.resolve("out")).isDirectoryNotContaining("glob:**.part");
    }

    @Test
    void anImageWhoseBytesAreNotTheOnesTheStatusGivesThrowsNamingItAndWritesNothing(@TempDir Path dir)
            throws Exception {
        byte[] first = TestImages.png(64, 64);
        byte[] second = TestImages.png(64, 48);
        // what a damaged or overwritten object looks like: the status gives another image's hash
        JobHandle job =
                succeeded(List.of(first, second), List.of(DispatcherKit.sha256(first), DispatcherKit.sha256(first)));

        assertThatThrownBy(() -> job.download(dir))
                .isInstanceOfSatisfying(KilnException.ImageMismatch.class, e -> {
                    assertThat(e.index()).isEqualTo(1);
                    assertThat(e.uri()).isEqualTo(new S3Uri(kit.bucket(), "renders/" + job.jobId() + "/1.png"));
                })
                .hasMessageContaining("image 1 of job " + job.jobId())
                .hasMessageContaining(DispatcherKit.sha256(second));
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aJobThatHasNotSucceededHasNothingToDownload(@TempDir Path dir) throws Exception {
        JobHandle job = client.submit(
                GenerationRequest.builder().prompt("a fox").width(64).height(64).build());

        assertThatThrownBy(() -> job.download(dir))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is queued");
    }

    /** A job that succeeded with {@code pngs} in S3, its status giving {@code sha256s}, as a worker would make it. */
    private static JobHandle succeeded(List<byte[]> pngs, List<String> sha256s) throws Exception {
        JobHandle job = client.submit(GenerationRequest.builder()
                .prompt("a red fox in snow")
                .width(64)
                .height(64)
                .numImages(pngs.size())
                .build());
        List<JobEvent.Succeeded.Image> images = new ArrayList<>();
        for (int index = 0; index < pngs.size(); index++) {
            S3Uri uri = new S3Uri(kit.bucket(), "renders/" + job.jobId() + "/" + index + ".png");
            kit.s3().putObject(put -> put.bucket(uri.bucket()).key(uri.key()), RequestBody.fromBytes(pngs.get(index)));
            images.add(new JobEvent.Succeeded.Image(
                    uri,
                    URI.create("https://s3.example.com/" + uri.key()),
                    Instant.now().plusSeconds(60),
                    7 + index,
                    64,
                    64,
                    pngs.get(index).length,
                    sha256s.get(index)));
        }
        kit.publish(
                job.jobId(), new JobEvent.Succeeded(images, new JobEvent.Succeeded.Timings(1, 2, 3, 4), pngs.size()));
        assertThat(job.await(Duration.ofSeconds(30)).status()).isEqualTo(JobStatus.Status.SUCCEEDED);
        return job;
    }
}
