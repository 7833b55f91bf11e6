package io.kiln.worker.kafka;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeSet;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which offsets a Kafka consumer may commit, given which of the records it took have a final outcome.
 *
 * <p>A partition's commit position is its lowest unfinished tracked offset, or the highest tracked offset plus one
 * when everything tracked is finished. A finished record therefore never commits past an unfinished earlier one,
 * and offsets missing from a compacted or transactional partition are skipped without being waited for.
 *
 * <p>Records finished above the position are committed too, in the commit's metadata ({@value #METADATA_PREFIX}
 * followed by their distances from the position). A job whose outcome was published while an earlier job of its
 * partition still ran is thereby settled in the same transaction as its event; when the partition moves, the next
 * owner {@linkplain #restore restores} the list and {@linkplain #take skips} those records instead of publishing
 * their outcome a second time.
 *
 * <p>The metadata is bounded (below the broker's {@code offset.metadata.max.bytes}), so the ledger takes no record
 * whose listing could not fit: were the record and every one tracked above the partition's unfinished head to
 * finish before the head, their list must still fit ({@link #hasRoomFor}). The head's position only rises, which
 * only shortens the list, so a record taken is always listed when it finishes: no completion is ever dropped.
 *
 * <p>Pure logic. Not thread safe: the consumer's poll thread owns it, as it owns the consumer.
 */
public final class OffsetLedger {
    /** Marks commit metadata written by this ledger, with its format version. */
    static final String METADATA_PREFIX = "kiln-settled:1:";

    private static final Logger log = LoggerFactory.getLogger(OffsetLedger.class);
    /** Below the broker's default {@code offset.metadata.max.bytes} of 4096. */
    private static final int MAX_METADATA_CHARS = 4000;

    private final Map<TopicPartition, Partition> partitions = new HashMap<>();

    /**
     * Whether the record at {@code offset} may be taken now: were it and every record tracked above the partition's
     * unfinished head to finish first, the commit's metadata could still list them all. When not, the consumer stops
     * taking from the partition until its head finishes.
     */
    public boolean hasRoomFor(TopicPartition partition, long offset) {
        Partition known = partitions.get(partition);
        if (known == null || known.settled.contains(offset)) {
            return true; // a record an earlier owner settled is listed already
        }
        // the record becomes the head itself when nothing earlier is unfinished
        long head = known.unfinished.isEmpty() ? offset : known.unfinished.first();
        int length = METADATA_PREFIX.length();
        int entries = 0;
        for (long settled : known.settled.tailSet(head, false)) {
            length += digits(settled - head);
            entries++;
        }
        for (long unfinished : known.unfinished.tailSet(head, false)) {
            length += digits(unfinished - head);
            entries++;
        }
        if (offset != head) {
            length += digits(offset - head);
            entries++;
        }
        return length + Math.max(0, entries - 1) <= MAX_METADATA_CHARS;
    }

    /**
     * Records that the consumer took the record at {@code offset}.
     *
     * @throws IllegalArgumentException if the offset is negative or not above the last one tracked for the partition
     * @throws IllegalStateException if the commit metadata has no room for it (see {@link #hasRoomFor})
     */
    public void track(TopicPartition partition, long offset) {
        requireNonNull(partition, "partition");
        if (offset < 0) {
            throw new IllegalArgumentException("offset of " + partition + " must not be negative, was " + offset);
        }
        Partition known = partitions.computeIfAbsent(partition, p -> new Partition());
        if (offset <= known.highestTracked) {
            throw new IllegalArgumentException(
                    "offsets of " + partition + " must increase: " + offset + " tracked after " + known.highestTracked);
        }
        if (!hasRoomFor(partition, offset)) {
            throw new IllegalStateException("the commit metadata of " + partition + " has no room to list " + offset
                    + " as settled ahead of " + known.position());
        }
        known.unfinished.add(offset);
        known.highestTracked = offset;
    }

    /**
     * Tracks the record at {@code offset} and tells whether it still needs an outcome: false when an earlier owner of
     * the partition already settled it (see {@link #restore}), in which case it counts as finished.
     */
    public boolean take(TopicPartition partition, long offset) {
        track(partition, offset);
        Partition known = partitions.get(partition);
        if (known.settled.contains(offset)) {
            known.unfinished.remove(offset);
            return false;
        }
        return true;
    }

    /**
     * Starts a newly assigned partition from its committed offset, with the records its earlier owner settled above
     * that offset.
     */
    public void restore(TopicPartition partition, OffsetAndMetadata committed) {
        requireNonNull(partition, "partition");
        Partition known = new Partition();
        known.committed = committed.offset();
        known.committedMetadata = committed.metadata();
        known.highestTracked = committed.offset() - 1;
        known.settled.addAll(decode(committed));
        partitions.put(partition, known);
    }

    /**
     * Records that the outcome of the record at {@code offset} is final.
     *
     * @throws IllegalStateException if the offset is not tracked and unfinished: never tracked, already completed, or
     *     forgotten
     */
    public void complete(TopicPartition partition, long offset) {
        requireNonNull(partition, "partition");
        Partition known = partitions.get(partition);
        if (known == null || !known.unfinished.remove(offset)) {
            throw new IllegalStateException("offset " + offset + " of " + partition
                    + " is not awaiting completion: never tracked, already completed, or forgotten");
        }
        known.settled.add(offset);
    }

    /**
     * The commit of every partition whose position moved past the last one marked committed, or whose records
     * settled above the position changed since.
     */
    public Map<TopicPartition, OffsetAndMetadata> committable() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach((partition, known) -> {
            long position = known.position();
            known.settled.headSet(position).clear();
            String metadata = encode(partition, position, known.settled);
            if (position > known.committed
                    || (position == known.committed && !metadata.equals(known.committedMetadata))) {
                offsets.put(partition, new OffsetAndMetadata(position, metadata));
            }
        });
        return Map.copyOf(offsets);
    }

    /**
     * Records a successful commit. Partitions forgotten meanwhile are ignored, and an older commit acknowledged late
     * never moves a partition back.
     */
    public void markCommitted(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((partition, offset) -> {
            Partition known = partitions.get(partition);
            if (known != null && offset.offset() >= known.committed) {
                known.committed = offset.offset();
                known.committedMetadata = offset.metadata();
            }
        });
    }

    /** Drops all state of the partitions, after they were revoked or lost. */
    public void forget(Collection<TopicPartition> revoked) {
        revoked.forEach(partitions::remove);
    }

    /** The settled offsets as distances from the position, lowest first; {@link #track} made sure they fit. */
    private static String encode(TopicPartition partition, long position, SortedSet<Long> settled) {
        StringBuilder metadata = new StringBuilder(METADATA_PREFIX);
        String separator = "";
        for (long offset : settled) {
            metadata.append(separator).append(offset - position);
            separator = ",";
        }
        if (metadata.length() > MAX_METADATA_CHARS) {
            // dropping entries would let the next owner redo those jobs; track() keeps this from happening
            throw new IllegalStateException(
                    partition + ": the records settled ahead of " + position + " overflow the commit metadata");
        }
        return metadata.toString();
    }

    private static int digits(long distance) {
        return Long.toString(distance).length();
    }

    /** The settled offsets in commit metadata this ledger wrote; none for any other metadata. */
    private static List<Long> decode(OffsetAndMetadata committed) {
        String metadata = committed.metadata();
        if (metadata == null
                || !metadata.startsWith(METADATA_PREFIX)
                || metadata.length() == METADATA_PREFIX.length()) {
            return List.of();
        }
        try {
            return Arrays.stream(metadata.substring(METADATA_PREFIX.length()).split(","))
                    .map(distance -> committed.offset() + Long.parseLong(distance))
                    .toList();
        } catch (NumberFormatException e) {
            log.warn("ignoring unreadable commit metadata '{}'", metadata);
            return List.of();
        }
    }

    private static final class Partition {
        private final TreeSet<Long> unfinished = new TreeSet<>();
        /** Finished offsets not yet below the position: completed here, or restored from the committed metadata. */
        private final TreeSet<Long> settled = new TreeSet<>();

        private long highestTracked = -1;
        /**
         * Starts below every offset, so the first position is committable even while nothing has finished: without a
         * committed offset, a restart with {@code auto.offset.reset=latest} would skip the unfinished records.
         */
        private long committed = -1;

        private String committedMetadata = "";

        private long position() {
            if (!unfinished.isEmpty()) {
                return unfinished.first();
            }
            return Math.max(highestTracked + 1, committed);
        }
    }
}
