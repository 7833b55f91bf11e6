package io.kiln.dispatcher.status;

import io.kiln.contracts.Headers;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.dispatcher.config.TopicSettings;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Grouped;
import org.apache.kafka.streams.kstream.KGroupedStream;
import org.apache.kafka.streams.kstream.KTable;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * The Kafka Streams topology behind job status:
 *
 * <pre>
 * jobs topic ──(headers, timestamp → AcceptedJob)──┐
 *                                                  ├─ cogroup by job id ─ fold (StatusFold) ─► status topic (compacted)
 * events topic ──(JobEventEnvelope)────────────────┘                                              │
 *                                                                                                 ▼
 *                                                     every replica: GlobalKTable in RocksDB, {@value #STATUS_STORE}
 *
 * fold, on reading a job record ─► (key name, accepted_at, job id) → job id ─► status-by-key topic (compacted)
 *                                                     every replica: GlobalKTable in RocksDB, {@value #BY_KEY_STORE}
 * </pre>
 *
 * <p>Both inputs are keyed by job id and read without repartitioning, so the job and event topics must have the same
 * number of partitions (the worker creates them so, and so does the dispatcher). The fold runs once per partition in
 * the group of all replicas (its state in {@value #FOLD_STORE}, restored from its changelog); its output goes to the
 * status topic, which every replica reads whole into its own store. {@link StatusCounts} counts the fold's jobs by
 * state.
 */
public final class StatusTopology {
    /** The queryable store of the status topic, global: every replica holds every job. */
    public static final String STATUS_STORE = "kiln-status";

    /** The queryable store of the index of jobs by API key ({@link KeyIndex}), global like the status store. */
    public static final String BY_KEY_STORE = "kiln-status-by-key";

    /** The fold's own state: the status of the jobs of this task's partitions. */
    static final String FOLD_STORE = "kiln-status-fold";

    private StatusTopology() {}

    /** Builds the topology over {@code topics}. */
    public static Topology build(TopicSettings topics) {
        Serde<String> keys = Serdes.String();
        Serde<StoredStatus> statuses = JsonSerde.of(StoredStatus.class);
        StreamsBuilder builder = new StreamsBuilder();

        KGroupedStream<String, AcceptedJob> accepted = builder.stream(
                        topics.jobs(), Consumed.with(keys, Serdes.ByteArray()))
                .processValues(AcceptedJobReader::new)
                .groupByKey(Grouped.with(keys, JsonSerde.of(AcceptedJob.class)));
        KGroupedStream<String, JobEventEnvelope> events = builder.stream(
                        topics.events(), Consumed.with(keys, JsonSerde.of(JobEventEnvelope.class)))
                .groupByKey(Grouped.with(keys, JsonSerde.of(JobEventEnvelope.class)));

        KTable<String, StoredStatus> folded = accepted.<StoredStatus>cogroup(StatusFold::accepted)
                .cogroup(events, StatusFold::event)
                .aggregate(
                        () -> null,
                        Materialized.<String, StoredStatus, KeyValueStore<Bytes, byte[]>>as(FOLD_STORE)
                                .withKeySerde(keys)
                                .withValueSerde(statuses));
        folded.toStream().to(topics.status(), Produced.with(keys, statuses));
        folded.toStream()
                .filter((jobId, status) -> status.endsWithAcceptance())
                .map((jobId, status) -> KeyValue.pair(
                        KeyIndex.key(
                                status.acceptance().keyName(),
                                status.acceptance().acceptedAt(),
                                jobId),
                        jobId))
                .to(topics.statusByKey(), Produced.with(keys, keys));
        StatusCounts.addTo(folded);

        builder.globalTable(
                topics.status(),
                Consumed.with(keys, statuses),
                Materialized.<String, StoredStatus, KeyValueStore<Bytes, byte[]>>as(STATUS_STORE)
                        .withKeySerde(keys)
                        .withValueSerde(statuses));
        builder.globalTable(
                topics.statusByKey(),
                Consumed.with(keys, keys),
                Materialized.<String, String, KeyValueStore<Bytes, byte[]>>as(BY_KEY_STORE)
                        .withKeySerde(keys)
                        .withValueSerde(keys));
        return builder.build();
    }

    /** Reads a job record's headers and timestamp; the request itself is the workers' business. */
    private static final class AcceptedJobReader implements FixedKeyProcessor<String, byte[], AcceptedJob> {
        private FixedKeyProcessorContext<String, AcceptedJob> context;

        @Override
        public void init(FixedKeyProcessorContext<String, AcceptedJob> context) {
            this.context = context;
        }

        @Override
        public void process(FixedKeyRecord<String, byte[]> record) {
            var headers = record.headers();
            context.forward(record.withValue(new AcceptedJob(
                    text(headers.lastHeader(Headers.API_KEY_NAME)),
                    text(headers.lastHeader(Headers.REQUEST_SHA256)),
                    Instant.ofEpochMilli(record.timestamp()))));
        }

        private static String text(Header header) {
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    }
}
