package io.kiln.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class OffsetLedgerTest {

    private static final TopicPartition P0 = new TopicPartition("kiln.jobs", 0);
    private static final TopicPartition P1 = new TopicPartition("kiln.jobs", 1);

    private final OffsetLedger ledger = new OffsetLedger();

    /** A commit at {@code offset} with nothing settled above it. */
    private static Map<TopicPartition, OffsetAndMetadata> commit(TopicPartition partition, long offset) {
        return Map.of(partition, new OffsetAndMetadata(offset, OffsetLedger.METADATA_PREFIX));
    }

    /** A commit at {@code offset} whose metadata names the records settled above it. */
    private static Map<TopicPartition, OffsetAndMetadata> commit(TopicPartition partition, long offset, String ahead) {
        return Map.of(partition, new OffsetAndMetadata(offset, OffsetLedger.METADATA_PREFIX + ahead));
    }

    private void track(TopicPartition partition, long... offsets) {
        for (long offset : offsets) {
            ledger.track(partition, offset);
        }
    }

    private void complete(TopicPartition partition, long... offsets) {
        for (long offset : offsets) {
            ledger.complete(partition, offset);
        }
    }

    private void commitAll() {
        ledger.markCommitted(ledger.committable());
    }

    @Test
    void commitsTheFirstPositionBeforeAnythingFinishes() {
        track(P0, 5, 6);

        assertThat(ledger.committable()).isEqualTo(commit(P0, 5));
    }

    @Test
    void commitsPastEachRecordFinishedInOrder() {
        track(P0, 0, 1, 2);
        commitAll();

        complete(P0, 0);
        assertThat(ledger.committable()).isEqualTo(commit(P0, 1));
        complete(P0, 1, 2);
        assertThat(ledger.committable()).isEqualTo(commit(P0, 3));
    }

    @Test
    void unfinishedEarlierRecordHoldsBackLaterFinishedOnes() {
        track(P0, 0, 1, 2);
        commitAll();

        complete(P0, 2, 1);
        assertThat(ledger.committable()).isEqualTo(commit(P0, 0, "1,2"));
        commitAll();
        assertThat(ledger.committable()).isEmpty();

        complete(P0, 0);
        assertThat(ledger.committable()).isEqualTo(commit(P0, 3));
    }

    @Test
    void aNewOwnerSkipsTheRecordsItsPredecessorSettledAboveTheCommit() {
        track(P0, 0, 1, 2, 3);
        complete(P0, 1, 3);
        Map<TopicPartition, OffsetAndMetadata> handedOver = ledger.committable();
        assertThat(handedOver).isEqualTo(commit(P0, 0, "1,3"));

        OffsetLedger next = new OffsetLedger();
        next.restore(P0, handedOver.get(P0));

        assertThat(next.take(P0, 0)).isTrue();
        assertThat(next.take(P0, 1)).isFalse();
        assertThat(next.take(P0, 2)).isTrue();
        // a commit before offset 3 is read again keeps it settled
        next.complete(P0, 0);
        assertThat(next.committable()).isEqualTo(commit(P0, 2, "1"));
        next.markCommitted(next.committable());
        assertThat(next.take(P0, 3)).isFalse();
        next.complete(P0, 2);
        assertThat(next.committable()).isEqualTo(commit(P0, 4));
    }

    @Test
    void takesNoRecordWhoseSettlementTheCommitCouldNotList() {
        track(P0, 0);
        long offset = 1;
        while (ledger.hasRoomFor(P0, offset)) {
            assertThat(ledger.take(P0, offset)).isTrue();
            complete(P0, offset);
            offset++;
        }
        long stoppedAt = offset;
        assertThatThrownBy(() -> ledger.track(P0, stoppedAt))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("no room");
        assertThat(stoppedAt).as("records listed ahead of an unfinished head").isGreaterThan(1000);

        var commit = ledger.committable().get(P0);
        assertThat(commit.offset()).isZero();
        assertThat(commit.metadata().length()).isLessThanOrEqualTo(4000);
        OffsetLedger next = new OffsetLedger();
        next.restore(P0, commit);
        assertThat(next.take(P0, 0)).isTrue();
        for (long settled = 1; settled < stoppedAt; settled++) {
            assertThat(next.take(P0, settled)).as("settled %d", settled).isFalse();
        }

        complete(P0, 0);
        assertThat(ledger.hasRoomFor(P0, stoppedAt))
                .as("room again once the head settled")
                .isTrue();
    }

    @Test
    void countsUnfinishedRecordsAheadOfTheHeadAsIfTheyWereSettled() {
        track(P0, 0);
        long offset = 1;
        while (ledger.hasRoomFor(P0, offset)) {
            ledger.track(P0, offset++);
        }
        for (long finished = 1; finished < offset; finished++) {
            complete(P0, finished);
        }

        assertThat(ledger.committable().get(P0).metadata().length()).isLessThanOrEqualTo(4000);
    }

    @Test
    void metadataFromElsewhereSettlesNothing() {
        ledger.restore(P0, new OffsetAndMetadata(5, "written by another tool"));

        assertThat(ledger.take(P0, 5)).isTrue();
        assertThat(ledger.take(P0, 6)).isTrue();
        assertThat(ledger.committable()).isEqualTo(commit(P0, 5));
    }

    @Test
    void skipsOffsetsMissingFromTheLog() {
        track(P0, 10, 13, 20);
        commitAll();

        complete(P0, 10);
        assertThat(ledger.committable()).isEqualTo(commit(P0, 13));
        commitAll();

        complete(P0, 20);
        assertThat(ledger.committable()).isEqualTo(commit(P0, 13, "7"));

        complete(P0, 13);
        assertThat(ledger.committable()).isEqualTo(commit(P0, 21));
    }

    @Test
    void keepsPartitionsApart() {
        track(P0, 0, 1);
        track(P1, 100, 101);
        commitAll();

        complete(P1, 100, 101);
        complete(P0, 1);

        assertThat(ledger.committable())
                .containsEntry(P1, commit(P1, 102).get(P1))
                .containsEntry(P0, commit(P0, 0, "1").get(P0));
    }

    @Test
    void markCommittedStopsRepeatsUntilThePositionMovesAgain() {
        track(P0, 0, 1);
        complete(P0, 0);
        Map<TopicPartition, OffsetAndMetadata> first = ledger.committable();

        ledger.markCommitted(first);

        assertThat(first).isEqualTo(commit(P0, 1));
        assertThat(ledger.committable()).isEmpty();
        complete(P0, 1);
        assertThat(ledger.committable()).isEqualTo(commit(P0, 2));
    }

    @Test
    void lateAcknowledgementOfAnOlderCommitDoesNotMoveBack() {
        track(P0, 0, 1, 2);
        complete(P0, 0, 1, 2);
        ledger.markCommitted(commit(P0, 3));

        ledger.markCommitted(commit(P0, 1));

        assertThat(ledger.committable()).isEmpty();
    }

    @Test
    void forgetDropsRevokedPartitions() {
        track(P0, 7, 8);
        track(P1, 3);
        complete(P0, 7);

        ledger.forget(List.of(P0));

        assertThat(ledger.committable()).isEqualTo(commit(P1, 3));
        assertThatThrownBy(() -> ledger.complete(P0, 8))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("offset 8 of kiln.jobs-0");
        ledger.markCommitted(commit(P0, 8));
        assertThat(ledger.committable()).doesNotContainKey(P0);
    }

    @Test
    void reassignedPartitionMayStartOverFromAnEarlierOffset() {
        track(P0, 7, 8);
        ledger.forget(List.of(P0));

        track(P0, 7);
        complete(P0, 7);

        assertThat(ledger.committable()).isEqualTo(commit(P0, 8));
    }

    @Test
    void rejectsOffsetsThatDoNotIncrease() {
        track(P0, 5);

        assertThatThrownBy(() -> ledger.track(P0, 5))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("kiln.jobs-0")
                .hasMessageContaining("5 tracked after 5");
        assertThatThrownBy(() -> ledger.track(P0, 4)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> ledger.track(P1, -1)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void rejectsCompletingWhatIsNotAwaitingCompletion() {
        track(P0, 5);
        complete(P0, 5);

        assertThatThrownBy(() -> ledger.complete(P0, 5))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("offset 5 of kiln.jobs-0");
        assertThatThrownBy(() -> ledger.complete(P0, 6))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("offset 6 of kiln.jobs-0");
        assertThatThrownBy(() -> ledger.complete(P1, 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("offset 0 of kiln.jobs-1");
    }

    @Test
    void agreesWithAModelThatScansEveryTrackedOffset() {
        Random random = new Random(4_031L);
        List<TopicPartition> partitions =
                List.of(P0, P1, new TopicPartition("kiln.jobs", 2), new TopicPartition("kiln.priority", 0));
        for (int run = 0; run < 100; run++) {
            OffsetLedger ledger = new OffsetLedger();
            Model model = new Model();
            for (int step = 0; step < 500; step++) {
                TopicPartition partition = partitions.get(random.nextInt(partitions.size()));
                int action = random.nextInt(20);
                if (action < 8) {
                    // Gaps of up to three offsets, as compaction and transaction markers leave.
                    long offset = model.nextOffset(partition) + random.nextInt(4);
                    ledger.track(partition, offset);
                    model.tracked
                            .computeIfAbsent(partition, p -> new ArrayList<>())
                            .add(offset);
                } else if (action < 15) {
                    List<Long> unfinished = model.unfinished(partition);
                    if (!unfinished.isEmpty()) {
                        long offset = unfinished.get(random.nextInt(unfinished.size()));
                        ledger.complete(partition, offset);
                        model.finished.add(new Record(partition, offset));
                    }
                } else if (action < 19) {
                    Map<TopicPartition, OffsetAndMetadata> committable = ledger.committable();
                    assertThat(committable).isEqualTo(model.committable());
                    if (random.nextBoolean()) {
                        ledger.markCommitted(committable);
                        committable.forEach((p, offset) -> {
                            model.committed.put(p, offset.offset());
                            model.committedMetadata.put(p, offset.metadata());
                        });
                    }
                } else {
                    ledger.forget(List.of(partition));
                    model.forget(partition);
                }
            }
        }
    }

    private record Record(TopicPartition partition, long offset) {}

    /** Every tracked offset kept; the commit position is found by scanning from the first. */
    private static final class Model {

        private final Map<TopicPartition, List<Long>> tracked = new HashMap<>();
        private final Set<Record> finished = new HashSet<>();
        private final Map<TopicPartition, Long> committed = new HashMap<>();
        private final Map<TopicPartition, String> committedMetadata = new HashMap<>();

        long nextOffset(TopicPartition partition) {
            List<Long> offsets = tracked.getOrDefault(partition, List.of());
            return offsets.isEmpty() ? 0 : offsets.getLast() + 1;
        }

        List<Long> unfinished(TopicPartition partition) {
            return tracked.getOrDefault(partition, List.of()).stream()
                    .filter(offset -> !finished.contains(new Record(partition, offset)))
                    .toList();
        }

        Map<TopicPartition, OffsetAndMetadata> committable() {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            tracked.forEach((partition, partitionOffsets) -> {
                long position = partitionOffsets.getLast() + 1;
                for (long offset : partitionOffsets) {
                    if (!finished.contains(new Record(partition, offset))) {
                        position = offset;
                        break;
                    }
                }
                StringBuilder metadata = new StringBuilder(OffsetLedger.METADATA_PREFIX);
                for (long offset : partitionOffsets) {
                    if (offset > position && finished.contains(new Record(partition, offset))) {
                        metadata.append(metadata.length() > OffsetLedger.METADATA_PREFIX.length() ? "," : "")
                                .append(offset - position);
                    }
                }
                long last = committed.getOrDefault(partition, -1L);
                boolean changed =
                        position == last && !metadata.toString().equals(committedMetadata.getOrDefault(partition, ""));
                if (position > last || changed) {
                    offsets.put(partition, new OffsetAndMetadata(position, metadata.toString()));
                }
            });
            return offsets;
        }

        void forget(TopicPartition partition) {
            tracked.remove(partition);
            committed.remove(partition);
            committedMetadata.remove(partition);
            finished.removeIf(record -> record.partition().equals(partition));
        }
    }
}
