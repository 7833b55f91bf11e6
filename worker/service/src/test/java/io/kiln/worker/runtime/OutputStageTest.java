package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.clients.S3Credentials;
import io.kiln.clients.S3Settings;
import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.GenerationRequest;
import io.kiln.engine.image.RgbImage;
import io.kiln.engine.pipeline.CompatibilityKey;
import io.kiln.engine.pipeline.GeneratedImage;
import io.kiln.engine.pipeline.ImageSize;
import io.kiln.engine.pipeline.JobResult;
import io.kiln.engine.pipeline.Sampling;
import io.kiln.engine.sampling.Sampler;
import io.kiln.jobs.ResolvedJob;
import io.kiln.worker.kafka.JobOutcome;
import io.kiln.worker.kafka.JobRecord;
import io.kiln.worker.output.ImageStore;
import io.kiln.worker.output.OutputLayout;
import io.kiln.worker.output.StoragePolicy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class OutputStageTest {
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");

    /**
     * An {@link Error} while storing a job (here from the clock, the one collaborator a test can make throw before any
     * upload) is that job's failure like any other: it is reported for a retry. It escaped as an exception no catch
     * clause named, and the job was never reported, so its partition could commit nothing past it (issue 19,
     * defect 10).
     */
    @Test
    void anErrorWhileStoringAJobIsReportedAsItsFailure() throws Exception {
        var outcomes = new Outcomes();
        try (var store = unusedStore();
                var output = new OutputStage(
                        store, new WorkerIdentity("w", "tiny", "abc"), Duration.ofHours(1), outcomes, failingClock())) {
            PendingJob job = job();

            output.store(List.of(finished(job)), 1);

            List<JobOutcome> reported = outcomes.drain(Duration.ofSeconds(10));
            assertThat(reported).singleElement().isInstanceOfSatisfying(JobOutcome.Retry.class, retry -> {
                assertThat(retry.jobId()).isEqualTo("j1");
                assertThat(retry.failure().code()).isEqualTo(ErrorCode.INTERNAL);
                assertThat(retry.failure().getMessage()).contains("StackOverflowError");
            });
            assertThat(output.inFlight()).isZero();
        }
    }

    /** A clock that throws an {@link Error}, as a stack overflow or an exhausted heap would surface. */
    private static Clock failingClock() {
        return new Clock() {
            @Override
            public Instant instant() {
                throw new StackOverflowError("from the test's clock");
            }

            @Override
            public ZoneId getZone() {
                return ZoneOffset.UTC;
            }

            @Override
            public Clock withZone(ZoneId zone) {
                return this;
            }
        };
    }

    /** A store on an address nothing answers: the test fails before any call. */
    private static ImageStore unusedStore() {
        return new ImageStore(
                new S3Settings(
                        Optional.of(URI.create("http://127.0.0.1:9")),
                        "us-east-1",
                        true,
                        S3Credentials.staticKeys("a", "b")),
                new OutputLayout("bucket", ""),
                new StoragePolicy(Duration.ofMillis(1), Duration.ofMillis(1), Duration.ofMillis(1)),
                Clock.fixed(NOW, ZoneOffset.UTC),
                () -> {});
    }

    private static PendingJob job() {
        var request =
                GenerationRequest.builder().jobId("j1").prompt("a fox").seed(1L).build();
        var resolved = new ResolvedJob(request, ImageSize.square(64), new Sampling(Sampler.DDIM, 2, 0));
        var key = new BatchKey("tiny", new CompatibilityKey(ImageSize.square(64), resolved.sampling(), 0));
        var partition = new TopicPartition("kiln.jobs.v1", 0);
        var record = new JobRecord(partition, 0, null, "{}".getBytes(StandardCharsets.UTF_8), new RecordHeaders(), NOW);
        return new PendingJob(
                record,
                new JobSpec(resolved, key),
                CompletableFuture.completedFuture(Optional.empty()),
                CompletableFuture.completedFuture(Optional.empty()),
                new Tenure(partition));
    }

    private static OutputStage.Finished finished(PendingJob job) {
        var image = new GeneratedImage(new RgbImage(1, 1, new byte[3]), 1);
        var times = new BatchTimes(NOW, Duration.ZERO, Duration.ZERO);
        return new OutputStage.Finished(
                job, job.spec().toGenerationJob(Optional.empty()), new JobResult("j1", List.of(image), false), times);
    }
}
