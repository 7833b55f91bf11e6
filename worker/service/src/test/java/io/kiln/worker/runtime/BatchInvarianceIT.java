package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.Sampler;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The batch-invariance property through the whole worker: the same request gives the same PNG, within one 8-bit
 * level per channel of every pixel, whether it ran alone or in a micro-batch with other prompts, seeds and guidance.
 */
@KilnInfra
class BatchInvarianceIT {
    private static final Duration FATE = Duration.ofSeconds(90);

    /** DDIM is deterministic given x_T; Euler ancestral also draws fresh noise at every step, per image. */
    @ParameterizedTest
    @EnumSource(
            value = Sampler.class,
            names = {"DDIM", "EULER_ANCESTRAL"})
    void aJobsPngIsTheSameAloneAndInABatch(Sampler sampler, KafkaEndpoint kafka, S3Endpoint s3) throws Exception {
        try (var kit = new WorkerKit(kafka, s3)) {
            // a batch closes 2 s after its first job: long enough for four jobs submitted together to share it
            kit.startWorker("invariance", Map.of("KILN_BATCH_MAX_DELAY", "2s"));
            EventLog events = kit.events();
            String tag = sampler.wireName();

            var alone = job("alone-" + tag, sampler).build();
            kit.submit(alone);
            var aloneDone = succeeded(events.awaitTerminal(alone.jobId(), FATE));
            assertThat(aloneDone.batchSize()).as("ran alone").isEqualTo(1);

            // the same request under another job id, third of four compatible jobs with their own prompt, seed and
            // guidance (one of them asking for two images)
            var twin = job("twin-" + tag, sampler).build();
            List<GenerationRequest> batch = List.of(
                    job("mate-1-" + tag, sampler)
                            .prompt("a lighthouse at dusk")
                            .seed(7L)
                            .guidanceScale(3.0)
                            .build(),
                    job("mate-2-" + tag, sampler)
                            .prompt("an orange cat asleep on a keyboard")
                            .seed(123_456L)
                            .guidanceScale(12.5)
                            .numImages(2)
                            .build(),
                    twin,
                    job("mate-3-" + tag, sampler)
                            .prompt("a foggy harbour, oil on canvas")
                            .negativePrompt("blurry")
                            .seed(99L)
                            .guidanceScale(1.0)
                            .build());
            batch.forEach(kit::submit);
            events.awaitAllTerminal(batch.stream().map(GenerationRequest::jobId).toList(), FATE);
            for (GenerationRequest job : batch) {
                assertThat(events.terminal(job.jobId()))
                        .as(job.jobId())
                        .singleElement()
                        .isInstanceOf(JobEvent.Succeeded.class);
            }
            var twinDone = succeeded(events.terminal(twin.jobId()).getFirst());
            assertThat(twinDone.batchSize()).as("images in the twin's batch").isGreaterThanOrEqualTo(4);

            byte[] alonePng = kit.object(aloneDone.images().getFirst().uri().key());
            byte[] twinPng = kit.object(twinDone.images().getFirst().uri().key());
            assertThat(maxLevelDifference(decode(alonePng), decode(twinPng)))
                    .as("largest difference of one channel of one pixel, alone vs in a batch")
                    .isLessThanOrEqualTo(1);
            // and the comparison tells images apart: a batch-mate of another prompt and seed differs widely
            byte[] matePng = kit.object(
                    succeeded(events.terminal(batch.getFirst().jobId()).getFirst())
                            .images()
                            .getFirst()
                            .uri()
                            .key());
            assertThat(maxLevelDifference(decode(alonePng), decode(matePng)))
                    .as("largest difference from a batch-mate's image")
                    .isGreaterThan(16);

            for (byte[] png : List.of(alonePng, twinPng)) {
                String parameters = textChunks(png).get("parameters");
                assertThat(parameters).as("the PNG's parameters chunk").isNotNull();
                assertThat(parameters.lines().toList().getFirst()).isEqualTo(alone.prompt());
                assertThat(parameters.lines().toList().getLast())
                        .startsWith("Steps: 2, Sampler: " + (sampler == Sampler.DDIM ? "DDIM" : "Euler a") + ", ")
                        .contains("Seed: " + alone.seed() + ", ")
                        .contains("Size: 64x64, ")
                        .containsPattern("Model hash: [0-9a-f]{10}, ")
                        .endsWith("Model: " + WorkerKit.MODEL);
            }
        }
    }

    /** A job all four share but prompt, seed and guidance: 64×64, two steps of {@code sampler}. */
    private static GenerationRequest.Builder job(String jobId, Sampler sampler) {
        return WorkerKit.tinyJob(jobId)
                .prompt("a red fox in the snow")
                .seed(4242L)
                .guidanceScale(7.5)
                .sampler(sampler);
    }

    private static JobEvent.Succeeded succeeded(JobEvent event) {
        assertThat(event).isInstanceOf(JobEvent.Succeeded.class);
        return (JobEvent.Succeeded) event;
    }

    private static BufferedImage decode(byte[] png) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png));
        assertThat(image).as("a PNG ImageIO reads").isNotNull();
        return image;
    }

    /** The largest difference of one 8-bit channel of one pixel between two images of one size. */
    private static int maxLevelDifference(BufferedImage a, BufferedImage b) {
        assertThat(b.getWidth()).isEqualTo(a.getWidth());
        assertThat(b.getHeight()).isEqualTo(a.getHeight());
        int max = 0;
        for (int y = 0; y < a.getHeight(); y++) {
            for (int x = 0; x < a.getWidth(); x++) {
                int p = a.getRGB(x, y);
                int q = b.getRGB(x, y);
                for (int shift = 0; shift <= 24; shift += 8) {
                    max = Math.max(max, Math.abs(((p >>> shift) & 0xff) - ((q >>> shift) & 0xff)));
                }
            }
        }
        return max;
    }

    /** The PNG's uncompressed text chunks ({@code tEXt}, and {@code iTXt} without compression) by keyword. */
    private static Map<String, String> textChunks(byte[] png) {
        ByteBuffer in = ByteBuffer.wrap(png);
        in.position(8); // the signature
        Map<String, String> texts = new LinkedHashMap<>();
        while (in.remaining() >= 12) {
            int length = in.getInt();
            byte[] type = new byte[4];
            in.get(type);
            byte[] data = new byte[length];
            in.get(data);
            in.getInt(); // CRC
            String kind = new String(type, StandardCharsets.US_ASCII);
            int nul = kind.endsWith("Xt") ? indexOf(data, 0) : -1;
            if (kind.equals("tEXt")) {
                texts.put(
                        new String(data, 0, nul, StandardCharsets.ISO_8859_1),
                        new String(data, nul + 1, length - nul - 1, StandardCharsets.ISO_8859_1));
            } else if (kind.equals("iTXt") && data[nul + 1] == 0) {
                // keyword NUL, compression flag and method, language tag NUL, translated keyword NUL, text
                int language = indexOf(data, nul + 3);
                int translated = indexOf(data, language + 1);
                texts.put(
                        new String(data, 0, nul, StandardCharsets.ISO_8859_1),
                        new String(data, translated + 1, length - translated - 1, StandardCharsets.UTF_8));
            } else if (kind.equals("IEND")) {
                break;
            }
        }
        return texts;
    }

    private static int indexOf(byte[] data, int from) {
        for (int i = from; i < data.length; i++) {
            if (data[i] == 0) {
                return i;
            }
        }
        return -1;
    }
}
