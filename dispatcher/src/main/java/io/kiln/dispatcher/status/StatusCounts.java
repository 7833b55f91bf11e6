package io.kiln.dispatcher.status;

import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * How many jobs are in each state, kept up to date by the fold rather than counted per question: the fold's table
 * regrouped by state ({@code queued}, {@code running}, ...) and counted. On each change of a job Streams subtracts it
 * from its old state's count and adds it to its new one, so a count never walks the jobs.
 *
 * <p>The counts are partitioned by state like any regrouped table: each replica holds the counts of the states whose
 * partitions it was given, and reads 0 for the others, so the cluster's figure for a state is the sum over the
 * replicas. The fold runs at least once, and a count that was updated but not yet committed when a replica crashed is
 * updated again when its records are read again: after a crash a count may be off by the jobs that changed in the
 * second before (the commit interval).
 */
final class StatusCounts {
    /** The counts, keyed by the state's wire name; also names the repartition topic. */
    static final String STORE = "kiln-status-counts";

    private StatusCounts() {}

    /** Counts the jobs of {@code statuses}, the fold's table, by state in {@value #STORE}. */
    static void addTo(KTable<String, StoredStatus> statuses) {
        statuses.groupBy(
                        // the job id rides along only because a regrouped table needs a value; the count ignores it
                        (jobId, status) -> KeyValue.pair(status.state().wireName(), jobId),
                        Grouped.with(STORE, Serdes.String(), Serdes.String()))
                .count(Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as(STORE)
                        .withKeySerde(Serdes.String())
                        .withValueSerde(Serdes.Long()));
    }
}
