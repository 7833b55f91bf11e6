package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.contracts.JobEvent;
import io.kiln.contracts.S3Uri;
import io.kiln.worker.kafka.JobRecord;
import io.kiln.worker.output.ResultManifest;
import io.kiln.worker.output.StoredImage;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PriorRunsTest {
    private static final TopicPartition JOBS_0 = new TopicPartition("kiln.jobs.v1", 0);
    private static final TopicPartition JOBS_1 = new TopicPartition("kiln.jobs.v1", 1);
    private static final ResultManifest DONE = new ResultManifest(
            "done",
            List.of(new StoredImage(S3Uri.parse("s3://kiln-outputs/done/0.png"), 7, 64, 64, 900, "0".repeat(64))),
            1,
            new JobEvent.Succeeded.Timings(1, 2, 3, 4),
            Instant.EPOCH,
            "worker-a",
            null);

    private final List<String> reads = new CopyOnWriteArrayList<>();
    private final AtomicInteger counted = new AtomicInteger();
    private final PriorRuns priorRuns = new PriorRuns(
            jobId -> {
                reads.add(jobId);
                return jobId.equals("done") ? Optional.of(DONE) : Optional.empty();
            },
            counted::incrementAndGet);

    @AfterEach
    void close() {
        priorRuns.close();
    }

    @Test
    void recordsBelowThePartitionsEndAtAssignmentAreLookedUp() {
        priorRuns.assigned(Map.of(JOBS_0, 10L));

        assertThat(priorRuns.lookUp(record(JOBS_0, 9), "done").join()).contains(DONE);
        assertThat(priorRuns.lookUp(record(JOBS_0, 3), "new").join()).isEmpty();
        assertThat(reads).containsExactly("done", "new");
        assertThat(counted).hasValue(2);
    }

    @Test
    void recordsWrittenAfterTheAssignmentAreNotLookedUp() {
        priorRuns.assigned(Map.of(JOBS_0, 10L));

        assertThat(priorRuns.lookUp(record(JOBS_0, 10), "done").join()).isEmpty();
        assertThat(priorRuns.lookUp(record(JOBS_0, 11), "other").join()).isEmpty();
        assertThat(reads).isEmpty();
        assertThat(counted).hasValue(0);
    }

    @Test
    void aPartitionWhoseEndIsUnknownIsLookedUpInFull() {
        priorRuns.assigned(Map.of(JOBS_0, 10L));
        priorRuns.forget(List.of(JOBS_0));

        assertThat(priorRuns.lookUp(record(JOBS_0, 50), "done").join()).contains(DONE);
        assertThat(priorRuns.lookUp(record(JOBS_1, 50), "done").join()).contains(DONE);
        assertThat(reads).hasSize(2);
    }

    private static JobRecord record(TopicPartition partition, long offset) {
        return new JobRecord(partition, offset, null, new byte[0], new RecordHeaders(), Instant.EPOCH);
    }
}
