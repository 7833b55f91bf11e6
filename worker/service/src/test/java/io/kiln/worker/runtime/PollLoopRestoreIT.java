package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.testing.KilnInfra;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

/**
 * A worker given a partition starts from its previous owner's commit, including the records that owner settled out
 * of order (listed in the commit's metadata), even when a wakeup lands while it reads that commit. Every outcome the
 * engine reports wakes the poll thread, so in a busy worker such a wakeup meets the read sooner or later; a rebalance
 * callback that lets it escape loses the list, and the listed jobs run and are announced a second time (issue 19,
 * defect 2).
 *
 * <p>The broker cannot be made to deliver a wakeup at that instant, so the worker's job consumer is the real
 * {@link KafkaConsumer} on the real broker, with {@code wakeup()} called on it just before its first read of the
 * commits: the fault itself, timed.
 */
@KilnInfra
class PollLoopRestoreIT {
    /** What a worker writes for a commit at N whose previous owner also settled N + 1 (OffsetLedger's format). */
    private static final String SETTLED_NEXT = "kiln-settled:1:1";

    @Test
    void aWakeupWhileReadingTheCommitDoesNotLoseTheRecordsSettledOutOfOrder(KafkaEndpoint kafka, S3Endpoint s3)
            throws Exception {
        try (var kit = new WorkerKit(kafka, s3)) {
            kit.submitTo(0, WorkerKit.tinyJob("head").build());
            kit.submitTo(0, WorkerKit.tinyJob("settled-before").build());
            kit.submitTo(0, WorkerKit.tinyJob("after").build());
            kit.commit(0, 0, SETTLED_NEXT);
            AtomicBoolean wokenUp = new AtomicBoolean();

            kit.startWorker("restorer", Map.of(), properties -> new WokenOnFirstRead(properties, wokenUp));

            EventLog events = kit.events();
            events.awaitAllTerminal(List.of("head", "after"), Duration.ofMinutes(2));
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(kit.uncommitted()).isEmpty());
            assertThat(wokenUp).as("the wakeup met the read of the commits").isTrue();
            kit.assertSucceededOnceWithOneImage("head");
            kit.assertSucceededOnceWithOneImage("after");
            assertThat(events.of("settled-before"))
                    .as("the job the previous owner settled is not run again")
                    .isEmpty();
            assertThat(kit.committedOffsets()).containsEntry(new TopicPartition(kit.jobsTopic(), 0), 3L);
        }
    }

    /** The real consumer, woken up just before its first read of committed offsets. */
    private static final class WokenOnFirstRead extends KafkaConsumer<byte[], byte[]> {
        private final AtomicBoolean wokenUp;

        WokenOnFirstRead(Map<String, Object> properties, AtomicBoolean wokenUp) {
            super(properties);
            this.wokenUp = wokenUp;
        }

        @Override
        public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions) {
            wakeUpOnce();
            return super.committed(partitions);
        }

        @Override
        public Map<TopicPartition, OffsetAndMetadata> committed(Set<TopicPartition> partitions, Duration timeout) {
            wakeUpOnce();
            return super.committed(partitions, timeout);
        }

        private void wakeUpOnce() {
            if (wokenUp.compareAndSet(false, true)) {
                wakeup();
            }
        }
    }
}
