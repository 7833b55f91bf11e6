package io.kiln.worker.output;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.S3Uri;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

class ResultManifestTest {
    private static final String SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08";

    private static final ResultManifest MANIFEST = new ResultManifest(
            "0196a0b4-7c3e",
            List.of(
                    new StoredImage(S3Uri.parse("s3://kiln-outputs/r/0196a0b4-7c3e/0.png"), 42, 512, 512, 114_000, SHA),
                    new StoredImage(S3Uri.parse("s3://kiln-outputs/r/0196a0b4-7c3e/1.png"), 43, 512, 512, 98_500, SHA)),
            4,
            new JobEvent.Succeeded.Timings(12, 3_400, 180, 6),
            Instant.parse("2025-06-01T12:34:56.789Z"),
            "worker-7",
            SHA);

    @Test
    void readsBackEqualFromItsJson() {
        assertThat(ResultManifest.fromJson(MANIFEST.toJson())).isEqualTo(MANIFEST);
    }

    @Test
    void writesSnakeCaseNamesAndUriAndInstantAsStrings() {
        JsonNode json = JsonCodec.mapper().readTree(MANIFEST.toJson());

        assertThat(json.propertyNames())
                .containsExactlyInAnyOrder(
                        "job_id", "images", "batch_size", "timings", "completed_at", "worker", "request_sha256");
        assertThat(json.get("images").get(0).propertyNames())
                .containsExactlyInAnyOrder("uri", "seed", "width", "height", "size_bytes", "sha256");
        assertThat(json.get("images").get(1).get("uri").asString())
                .isEqualTo("s3://kiln-outputs/r/0196a0b4-7c3e/1.png");
        assertThat(json.get("completed_at").asString()).isEqualTo("2025-06-01T12:34:56.789Z");
        assertThat(json.get("timings").get("denoise_ms").asLong()).isEqualTo(3_400);
    }

    @Test
    void ignoresFieldsItDoesNotKnow() {
        String json = new String(MANIFEST.toJson(), StandardCharsets.UTF_8).replaceFirst("\\{", "{\"added_later\":1,");

        assertThat(ResultManifest.fromJson(json.getBytes(StandardCharsets.UTF_8)))
                .isEqualTo(MANIFEST);
    }

    @Test
    void rejectsJsonThatIsNotAManifest() {
        assertThatThrownBy(() -> ResultManifest.fromJson("{\"job_id\":\"x\"}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(JacksonException.class);
        assertThatThrownBy(() -> ResultManifest.fromJson("not json".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(JacksonException.class);
    }

    @Test
    void answersOnlyTheRequestItWasStoredFor() {
        assertThat(MANIFEST.answers(SHA)).isTrue();
        assertThat(MANIFEST.answers("0".repeat(64))).isFalse();
    }

    @Test
    void aManifestWrittenBeforeRequestsWereRecordedAnswersAny() {
        String older =
                new String(MANIFEST.toJson(), StandardCharsets.UTF_8).replaceAll(",\\s*\"request_sha256\"[^,}]*", "");

        ResultManifest read = ResultManifest.fromJson(older.getBytes(StandardCharsets.UTF_8));

        assertThat(read.requestSha256()).isNull();
        assertThat(read.answers("0".repeat(64))).isTrue();
    }

    @Test
    void rejectsABatchSmallerThanItsImagesAndAnEmptyImageList() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new ResultManifest(
                        "j", MANIFEST.images(), 1, MANIFEST.timings(), MANIFEST.completedAt(), "w", null))
                .withMessageContaining("batch size 1");
        assertThatIllegalArgumentException()
                .isThrownBy(() ->
                        new ResultManifest("j", List.of(), 1, MANIFEST.timings(), MANIFEST.completedAt(), "w", null))
                .withMessageContaining("no image");
    }

    @Test
    void storedImagesRejectAnInvalidChecksum() {
        assertThatIllegalArgumentException()
                .isThrownBy(() -> new StoredImage(S3Uri.parse("s3://kiln-outputs/j/0.png"), 1, 8, 8, 10, "ABC"))
                .withMessageContaining("sha256");
    }
}
