package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.Headers;
import io.kiln.contracts.JobEvent;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.testing.KilnInfra;
import io.kiln.worker.output.OutageS3;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fifteen hundred malformed records behind a job that cannot finish yet, in one partition: each is dead-lettered ahead of
 * the job, and each must be listed in the commit's metadata, or the partition's next owner dead-letters it a second
 * time. The metadata holds about 4,000 characters; the worker stops taking from the partition before the list would
 * overflow, and takes the rest once the job at its head is done (issue 19, defect 3).
 *
 * <p>The head job is held by S3 being away: its images cannot be stored, so it waits in place while the poll thread
 * goes on taking records.
 */
@KilnInfra
class PollLoopSettledAheadIT {
    private static final Logger log = LoggerFactory.getLogger(PollLoopSettledAheadIT.class);
    /** More than the commit metadata can list: "1,2,…,1000" alone takes 3,892 of its 4,000 characters. */
    private static final int MALFORMED = 1_500;

    private static final String SETTLED_PREFIX = "kiln-settled:1:";

    @Test
    void everyRecordSettledAheadOfAnUnfinishedHeadIsInTheCommit(KafkaEndpoint kafka) throws Exception {
        try (var s3 = OutageS3.start();
                var kit = new WorkerKit(kafka, s3.endpoint())) {
            kit.startWorker(
                    "settled-ahead",
                    Map.of(
                            // the head waits for S3 in place for the whole test rather than leave for a retry topic
                            "KILN_RETRY_STORAGE_GIVE_UP_AFTER", "5m",
                            "KILN_RETRY_STORAGE_MAX_BACKOFF", "2s"));
            EventLog events = kit.events();
            // long enough to be running still when S3 stops
            kit.submitTo(0, WorkerKit.tinyJob("head").numInferenceSteps(200).build());
            events.awaitEvent("head", JobEvent.Started.class, Duration.ofMinutes(1));
            s3.stop();
            byte[] malformed = "{\"prompt\": ".getBytes(StandardCharsets.UTF_8);
            for (int i = 0; i < MALFORMED; i++) {
                kit.submitRaw(0, null, malformed);
            }

            // the worker takes what it can while the head waits: until the dead letters stop coming
            AtomicInteger seen = new AtomicInteger(-1);
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(3))
                    .until(() -> {
                        int now = kit.deadLetters().size();
                        return now > 0 && now == seen.getAndSet(now);
                    });
            var commit = kit.commits().get(new TopicPartition(kit.jobsTopic(), 0));
            List<Long> deadLettered = originalOffsets(kit.deadLetters());
            log.info(
                    "{} dead letters while the head waits; commit at {} lists {} characters",
                    deadLettered.size(),
                    commit.offset(),
                    commit.metadata().length());
            assertThat(commit.offset())
                    .as("the head, at offset 0, is not settled")
                    .isZero();
            assertThat(settledAhead(commit))
                    .as("every record dead-lettered ahead of the head is listed in the commit")
                    .containsAll(deadLettered);

            s3.restart();
            events.awaitAllTerminal(List.of("head"), Duration.ofMinutes(2));
            await().atMost(Duration.ofMinutes(2))
                    .untilAsserted(() -> assertThat(kit.uncommitted()).isEmpty());
            kit.assertSucceededOnceWithOneImage("head");
            assertThat(originalOffsets(kit.deadLetters()))
                    .as("every malformed record dead-lettered once")
                    .hasSize(MALFORMED)
                    .doesNotHaveDuplicates();
        }
    }

    private static List<Long> originalOffsets(List<ConsumerRecord<byte[], byte[]>> deadLetters) {
        List<Long> offsets = new ArrayList<>();
        for (var letter : deadLetters) {
            var header = letter.headers().lastHeader(Headers.ORIGINAL_OFFSET);
            offsets.add(Long.parseLong(new String(header.value(), StandardCharsets.UTF_8)));
        }
        return offsets;
    }

    /** The offsets a commit's metadata lists as settled above its offset (OffsetLedger's format). */
    private static Set<Long> settledAhead(OffsetAndMetadata commit) {
        Set<Long> settled = new TreeSet<>();
        String metadata = commit.metadata();
        if (metadata.startsWith(SETTLED_PREFIX) && metadata.length() > SETTLED_PREFIX.length()) {
            for (String distance : metadata.substring(SETTLED_PREFIX.length()).split(",")) {
                settled.add(commit.offset() + Long.parseLong(distance));
            }
        }
        return settled;
    }
}
