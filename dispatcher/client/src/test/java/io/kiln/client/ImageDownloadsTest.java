package io.kiln.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kiln.contracts.JobStatus;
import io.kiln.contracts.S3Uri;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a download does with statuses the real dispatcher does not give: ImageTransferIT has the real path. */
class ImageDownloadsTest {
    private static final ImageDownloads.Fetch NEVER = url -> {
        throw new AssertionError("nothing to fetch, but fetched " + url);
    };

    @Test
    void aStatusFromADispatcherWithoutImageUrlsIsAnUnexpectedResponseAndWritesNothing(@TempDir Path dir) {
        var image = new JobStatus.Image(S3Uri.parse("s3://kiln-outputs/job-1/0.png"), null, null, 1, 8, 8, 10, "a");
        var job = new JobStatus("job-1", JobStatus.Status.SUCCEEDED, null, List.of(image), null, null, null, null);

        assertThatThrownBy(() -> ImageDownloads.save(job, dir, NEVER))
                .isInstanceOf(KilnException.UnexpectedResponse.class)
                .hasMessageContaining("gives image 0 no url");
        assertThat(dir).isEmptyDirectory();
    }

    @Test
    void aJobNotSucceededFetchesNothing(@TempDir Path dir) {
        var job = new JobStatus(
                "job-2", JobStatus.Status.FAILED, null, List.of(), null, Instant.now(), null, Instant.now());

        assertThatThrownBy(() -> ImageDownloads.save(job, dir, NEVER))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("job job-2 is failed: only a succeeded job has images to download");
    }
}
