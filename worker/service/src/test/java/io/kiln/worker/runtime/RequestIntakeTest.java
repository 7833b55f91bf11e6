package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.Headers;
import io.kiln.engine.pipeline.ImageSize;
import io.kiln.engine.sampling.Sampler;
import io.kiln.engine.sampling.SchedulerConfig;
import io.kiln.jobs.ServedModel;
import io.kiln.worker.kafka.JobOutcome;
import io.kiln.worker.kafka.JobRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RequestIntakeTest {
    private static final Instant NOW = Instant.parse("2026-05-01T12:00:00Z");
    /** A model served as "tiny", 64×64 and PLMS unless a request says otherwise: what it serves, not its weights. */
    private static final ServedModel TINY = new ServedModel("tiny", ImageSize.square(64), Sampler.PLMS);

    private final RequestIntake intake = new RequestIntake(TINY, SchedulerConfig.stableDiffusion());

    @Test
    void resolvesTheModelsDefaults() {
        JobSpec spec = accepted(record("{\"job_id\": \"j1\", \"prompt\": \"a fox\", \"seed\": 7}", 12));

        assertThat(spec.jobId()).isEqualTo("j1");
        assertThat(spec.resolved().seed()).isEqualTo(7);
        assertThat(spec.size()).isEqualTo(ImageSize.square(64));
        assertThat(spec.resolved().sampling().sampler()).isEqualTo(Sampler.PLMS);
        assertThat(spec.key().model()).isEqualTo("tiny");
    }

    @Test
    void aRecordWithoutIdentityGetsOneFromItsPlaceInTheLog() {
        String noIdentity = "{\"prompt\": \"a fox\", \"sampler\": \"ddim\"}";

        JobSpec first = accepted(record(noIdentity, 12));
        JobSpec again = accepted(record(noIdentity, 12));
        JobSpec other = accepted(record(noIdentity, 13));

        assertThat(first.jobId()).isEqualTo("kiln.jobs.v1-0-12");
        assertThat(again.resolved().seed())
                .as("a redelivery renders the same image")
                .isEqualTo(first.resolved().seed());
        assertThat(other.jobId()).isNotEqualTo(first.jobId());
        assertThat(first.resolved().sampling().sampler()).isEqualTo(Sampler.DDIM);
    }

    @Test
    void aRecordWhoseOriginHeadersMakeNoJobIdStillGetsAStableOne() {
        var headers = new RecordHeaders();
        headers.add(Headers.ORIGINAL_TOPIC, "not a topic/".repeat(20).getBytes(StandardCharsets.UTF_8));
        var retried = new JobRecord(
                new TopicPartition("kiln.jobs.v1-retry-1", 0),
                3,
                null,
                "{\"prompt\": \"a fox\"}".getBytes(StandardCharsets.UTF_8),
                headers,
                NOW);

        JobSpec first = accepted(retried);

        assertThat(first.jobId()).startsWith("record-");
        assertThat(accepted(retried).jobId()).isEqualTo(first.jobId());
    }

    @Test
    void jobsThatDifferOnlyInPromptSeedAndGuidanceShareABatchKey() {
        var a = accepted(record("{\"job_id\": \"a\", \"prompt\": \"a fox\", \"seed\": 1, \"guidance_scale\": 3}", 1));
        var b = accepted(record("{\"job_id\": \"b\", \"prompt\": \"a cat\", \"seed\": 2}", 2));
        var c = accepted(record("{\"job_id\": \"c\", \"prompt\": \"a cat\", \"num_inference_steps\": 20}", 3));

        assertThat(a.key()).isEqualTo(b.key()).isNotEqualTo(c.key());
    }

    @Test
    void rejectsAModelThisWorkerDoesNotServe() {
        var rejected = rejected(record("{\"job_id\": \"j2\", \"prompt\": \"a fox\", \"model\": \"sd-xl\"}", 1));

        assertThat(rejected.jobId()).contains("j2");
        assertThat(rejected.failure().code()).isEqualTo(ErrorCode.UNKNOWN_MODEL);
        assertThat(rejected.failure().getMessage())
                .startsWith("model:")
                .contains("sd-xl")
                .contains("tiny");
    }

    @Test
    void rejectsEtaForASamplerWithoutOne() {
        var rejected = rejected(
                record("{\"job_id\": \"j3\", \"prompt\": \"a fox\", \"sampler\": \"euler\", \"eta\": 0.5}", 1));

        assertThat(rejected.failure().code()).isEqualTo(ErrorCode.INVALID_REQUEST);
        assertThat(rejected.failure().getMessage()).startsWith("eta:");
    }

    @Test
    void anUnreadableRecordIsRejectedUnderTheJobIdItsProducerDeclared() {
        var headers = new RecordHeaders();
        headers.add(Headers.JOB_ID, "declared".getBytes(StandardCharsets.UTF_8));
        var garbage = new JobRecord(
                new TopicPartition("kiln.jobs.v1", 0), 5, null, new byte[] {(byte) 0xff, 0x00}, headers, NOW);
        var empty = new JobRecord(new TopicPartition("kiln.jobs.v1", 0), 6, null, null, new RecordHeaders(), NOW);

        assertThat(rejected(garbage).jobId()).contains("declared");
        assertThat(rejected(garbage).failure().getMessage()).startsWith("$:");
        assertThat(rejected(empty).jobId()).isEmpty();
        assertThat(rejected(empty).failure().getMessage()).isEqualTo("$: the record has no value");
    }

    @Test
    void listsEveryViolationOfAnInvalidRequest() {
        var rejected = rejected(record("{\"job_id\": \"j4\", \"prompt\": \" \", \"width\": 65}", 1));

        assertThat(rejected.failure().getMessage())
                .contains("prompt: must not be blank")
                .contains("; width: must be a multiple of 8");
    }

    private static JobRecord record(String json, long offset) {
        return new JobRecord(
                new TopicPartition("kiln.jobs.v1", 0),
                offset,
                null,
                json.getBytes(StandardCharsets.UTF_8),
                new RecordHeaders(),
                NOW);
    }

    private JobSpec accepted(JobRecord record) {
        return ((RequestIntake.Accepted) intake.read(record)).spec();
    }

    private JobOutcome.Rejected rejected(JobRecord record) {
        return ((RequestIntake.Rejected) intake.read(record)).outcome();
    }
}
