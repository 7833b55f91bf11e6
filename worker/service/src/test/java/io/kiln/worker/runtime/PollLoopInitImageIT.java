package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.Mode;
import io.kiln.contracts.S3Uri;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * img2img jobs through the worker, their init images read from S3 while they wait for their batch (issue 19,
 * defect 12): a readable one runs, and one whose object is no image, or is missing, fails alone as
 * init_image_unreadable while its batch-mates run.
 */
@KilnInfra
class PollLoopInitImageIT {

    @Test
    void initImagesAreReadAheadAndAnUnusableOneFailsOnlyItsJob(KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        try (var kit = new WorkerKit(kafka, s3)) {
            kit.putObject("in/fox.png", png(96, 80));
            kit.putObject("in/not-an-image.png", "not a png".getBytes(StandardCharsets.UTF_8));
            // one batch for the three: a bad init image fails its own job only
            kit.startWorker("img2img", Map.of("KILN_BATCH_MAX_DELAY", "1s"));

            kit.submit(img2img(kit, "from-fox", "in/fox.png"));
            kit.submit(img2img(kit, "from-text", "in/not-an-image.png"));
            kit.submit(img2img(kit, "from-nothing", "in/missing.png"));
            var events = kit.events();
            events.awaitAllTerminal(List.of("from-fox", "from-text", "from-nothing"), Duration.ofMinutes(1));

            kit.assertSucceededOnceWithOneImage("from-fox");
            for (String id : List.of("from-text", "from-nothing")) {
                assertThat(events.terminal(id))
                        .singleElement()
                        .isInstanceOfSatisfying(JobEvent.Failed.class, failed -> {
                            assertThat(failed.code()).isEqualTo(ErrorCode.INIT_IMAGE_UNREADABLE);
                            assertThat(failed.message()).startsWith("init_image:");
                        });
            }
        }
    }

    /** An img2img job from {@code key} of the test's bucket: 2 steps at strength 0.5 run 1. */
    private static GenerationRequest img2img(WorkerKit kit, String jobId, String key) {
        return WorkerKit.tinyJob(jobId)
                .mode(Mode.IMG2IMG)
                .initImage(S3Uri.parse("s3://" + kit.bucket() + "/" + key))
                .strength(0.5)
                .build();
    }

    private static byte[] png(int width, int height) throws Exception {
        var image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, (x * 2) << 16 | (y * 3) << 8 | 128);
            }
        }
        var bytes = new ByteArrayOutputStream();
        ImageIO.write(image, "png", bytes);
        return bytes.toByteArray();
    }
}
