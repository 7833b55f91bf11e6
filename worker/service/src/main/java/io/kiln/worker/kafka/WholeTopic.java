package io.kiln.worker.kafka;

import java.util.List;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** Reading a topic in full with a consumer outside any group: the control topic, or events and dead letters. */
public final class WholeTopic {
    private WholeTopic() {}

    /**
     * Assigns every partition of {@code topic} to {@code consumer}, each positioned at its first record.
     *
     * @return the partitions; empty when the broker does not know the topic
     */
    public static List<TopicPartition> assignFromStart(Consumer<?, ?> consumer, String topic) {
        List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return partitions;
    }
}
