package io.kiln.dispatcher.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsResult.ListOffsetsResultInfo;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workers' backlog, {@code kiln.queue.lag}: the jobs on the job topic that the workers' consumer group has not
 * committed yet, summed over the partitions. A partition's lag is its latest offset less the group's committed one, or
 * less its earliest retained offset where the group has committed nothing (the workers then start there:
 * {@code auto.offset.reset=earliest}). Jobs being rendered count until their batch commits.
 *
 * <p>Asked of Kafka (four admin calls) at most once every {@value #REFRESH_SECONDS} seconds, however often it is
 * scraped; between, the last figure is given again. NaN when Kafka did not answer in time, or the topic does not
 * exist yet.
 */
public final class QueueLag {
    static final int REFRESH_SECONDS = 5;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);
    private static final Logger log = LoggerFactory.getLogger(QueueLag.class);

    private final Admin admin;
    private final String topic;
    private final String group;
    private double latest = Double.NaN;
    private long askedAtNanos;
    private boolean asked;

    private QueueLag(Admin admin, String topic, String group) {
        this.admin = admin;
        this.topic = topic;
        this.group = group;
    }

    /**
     * Registers the gauge of {@code group}'s lag on {@code topic}.
     *
     * @param admin asked for the offsets; owned by the caller, open as long as {@code registry} is scraped
     */
    public static void register(MeterRegistry registry, Admin admin, String topic, String group) {
        Gauge.builder("kiln.queue.lag", new QueueLag(admin, topic, group), QueueLag::current)
                .description("Jobs on the job topic the workers' consumer group has not committed yet")
                .baseUnit("jobs")
                .tag("topic", topic)
                .tag("group", group)
                .strongReference(true)
                .register(registry);
    }

    // synchronized: concurrent scrapes ask Kafka once, and the second gets the first one's figure
    private synchronized double current() {
        long now = System.nanoTime();
        if (!asked || now - askedAtNanos >= TimeUnit.SECONDS.toNanos(REFRESH_SECONDS)) {
            asked = true;
            askedAtNanos = now;
            latest = ask();
        }
        return latest;
    }

    private double ask() {
        try {
            List<TopicPartition> partitions = admin
                    .describeTopics(List.of(topic))
                    .allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic)
                    .partitions()
                    .stream()
                    .map(info -> new TopicPartition(topic, info.partition()))
                    .toList();
            Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<TopicPartition, ListOffsetsResultInfo> earliest = offsets(partitions, OffsetSpec.earliest());
            Map<TopicPartition, ListOffsetsResultInfo> end = offsets(partitions, OffsetSpec.latest());
            long lag = 0;
            for (TopicPartition partition : partitions) {
                long start = earliest.get(partition).offset();
                OffsetAndMetadata done = committed.get(partition);
                // a commit below the log's start points at records deleted since: the workers resume at the start
                long position = done == null ? start : Math.max(start, done.offset());
                lag += Math.max(0, end.get(partition).offset() - position);
            }
            return lag;
        } catch (ExecutionException | TimeoutException e) {
            log.debug("Cannot read the lag of {} on {}", group, topic, e);
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    private Map<TopicPartition, ListOffsetsResultInfo> offsets(List<TopicPartition> partitions, OffsetSpec spec)
            throws ExecutionException, InterruptedException, TimeoutException {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(partition -> request.put(partition, spec));
        return admin.listOffsets(request).all().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    }
}
