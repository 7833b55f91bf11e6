package io.kiln.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

class JobStatusTest {
    private static final JobStatus.Image IMAGE = new JobStatus.Image(
            S3Uri.parse("s3://kiln-outputs/job-42/0.png"),
            URI.create("http://127.0.0.1:9000/kiln-outputs/job-42/0.png?X-Amz-Signature=abc"),
            Instant.parse("2026-05-01T13:00:07Z"),
            1234,
            512,
            768,
            421_337,
            Fixtures.SHA256);

    @Test
    void aSucceededJobsImagesCarryTheirUrlAndItsExpiryAndReadBackEqual() {
        var status = new JobStatus(
                "job-42",
                JobStatus.Status.SUCCEEDED,
                new JobStatus.Progress(50, 50),
                List.of(IMAGE),
                null,
                Instant.parse("2026-05-01T12:00:00Z"),
                Instant.parse("2026-05-01T12:00:01Z"),
                Instant.parse("2026-05-01T12:00:07Z"));

        byte[] json = JsonCodec.mapper().writeValueAsBytes(status);

        assertThat(JsonCodec.mapper().readTree(json))
                .isEqualTo(JsonCodec.mapper().readTree("""
                {"job_id": "job-42", "status": "succeeded", "progress": {"step": 50, "total": 50},
                 "images": [{
                   "uri": "s3://kiln-outputs/job-42/0.png",
                   "url": "http://127.0.0.1:9000/kiln-outputs/job-42/0.png?X-Amz-Signature=abc",
                   "url_expires_at": "2026-05-01T13:00:07Z",
                   "seed": 1234, "width": 512, "height": 768, "size_bytes": 421337, "sha256": "%s"}],
                 "error": null, "accepted_at": "2026-05-01T12:00:00Z", "started_at": "2026-05-01T12:00:01Z",
                 "finished_at": "2026-05-01T12:00:07Z"}""".formatted(Fixtures.SHA256)));
        assertThat(JsonCodec.mapper().readValue(json, JobStatus.class)).isEqualTo(status);
    }

    @Test
    void everyFieldIsWrittenNullWhereNotKnownSoClientsReadOneShape() {
        var image = new JobStatus.Image(IMAGE.uri(), null, null, 1, 8, 8, 10, Fixtures.SHA256);
        var queued = new JobStatus("job-7", JobStatus.Status.QUEUED, null, List.of(image), null, null, null, null);

        JsonNode json = JsonCodec.mapper().readTree(JsonCodec.mapper().writeValueAsBytes(queued));

        assertThat(json.get("progress").isNull()).isTrue();
        assertThat(json.get("finished_at").isNull()).isTrue();
        assertThat(json.get("images").get(0).get("url").isNull()).isTrue();
        assertThat(json.get("images").get(0).get("url_expires_at").isNull()).isTrue();
    }
}
