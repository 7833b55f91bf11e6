package io.kiln.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a dead-letter topic from its beginning to its end as of the start of the read, without a consumer group: it
 * commits nothing and joins nothing, so the workers and other readers see no trace of it.
 *
 * <p>The consumer instance is NOT thread safe: one reader, used from one thread.
 */
final class DlqReader implements AutoCloseable {

    /** A read that receives nothing for this long while records remain has failed. */
    static final Duration STALL_TIMEOUT = Duration.ofSeconds(30);

    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);

    private final String bootstrapServers;
    private final KafkaConsumer<byte[], byte[]> consumer;

    DlqReader(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        Map<String, Object> config = new HashMap<>();
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ConsumerConfig.CLIENT_ID_CONFIG, "kiln-dlq-reader");
        // No group.id: partitions are assigned by hand and no offset is ever committed.
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        // A dead letter written in a transaction that was aborted was never really dead-lettered.
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // Looking at a topic that does not exist must not create it on a broker with auto.create.topics.enable.
        config.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        // Metadata and offset look-ups fail after 30 s instead of a minute: a person waits for this command.
        config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30_000);
        config.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        config.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        this.consumer = new KafkaConsumer<>(config);
    }

    /** Whether the topic exists, asked without creating it. */
    boolean exists(String topic) {
        return !partitions(topic).isEmpty();
    }

    /**
     * Every record on the topic up to its end as of now, committed ones only, in topic order (partition, then
     * offset). Records that arrive while it reads are left for the next read.
     *
     * @throws DlqException if the topic does not exist, the broker does not answer, or the read stalls for {@link
     *     #STALL_TIMEOUT}
     */
    List<DlqRecord> readAll(String topic) {
        List<TopicPartition> partitions = partitions(topic);
        if (partitions.isEmpty()) {
            throw new DlqException("topic " + topic + " does not exist on " + bootstrapServers);
        }
        try {
            return read(topic, partitions);
        } catch (KafkaException e) {
            throw new DlqException("cannot read " + topic + " from " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    private List<DlqRecord> read(String topic, List<TopicPartition> partitions) {
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        // With read_committed these are the last stable offsets: no open transaction's records lie below them.
        Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> positions = new HashMap<>();
        List<TopicPartition> remaining = new ArrayList<>(partitions);
        List<DlqRecord> deadLetters = new ArrayList<>();
        long lastProgress = System.nanoTime();
        while (true) {
            boolean progressed = false;
            for (Iterator<TopicPartition> it = remaining.iterator(); it.hasNext(); ) {
                TopicPartition partition = it.next();
                // Moves past transaction markers and aborted records too, which poll() never returns.
                long position = consumer.position(partition);
                progressed |= !Objects.equals(positions.put(partition, position), position);
                if (position >= end.get(partition)) {
                    consumer.pause(List.of(partition));
                    it.remove();
                }
            }
            if (remaining.isEmpty()) {
                break;
            }
            if (progressed) {
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL_TIMEOUT.toNanos()) {
                throw new DlqException("reading " + topic + " from " + bootstrapServers + " made no progress for "
                        + STALL_TIMEOUT.toSeconds() + " s, with " + remaining.size()
                        + " partition(s) not read to the end");
            }
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                if (record.offset() < end.get(new TopicPartition(record.topic(), record.partition()))) {
                    deadLetters.add(DlqRecord.of(record));
                }
            }
        }
        consumer.unsubscribe();
        deadLetters.sort(Comparator.comparingInt(DlqRecord::partition).thenComparingLong(DlqRecord::offset));
        return deadLetters;
    }

    private List<TopicPartition> partitions(String topic) {
        try {
            return consumer.partitionsFor(topic).stream()
                    .map(PartitionInfo::partition)
                    .sorted()
                    .map(partition -> new TopicPartition(topic, partition))
                    .toList();
        } catch (KafkaException e) {
            throw new DlqException("cannot look up " + topic + " on " + bootstrapServers + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        consumer.close();
    }
}
