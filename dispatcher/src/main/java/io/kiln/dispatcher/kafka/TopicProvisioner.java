package io.kiln.dispatcher.kafka;

import io.kiln.contracts.Topics;
import io.kiln.dispatcher.config.TopicSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the dispatcher's topics exist before its Streams application starts (a missing source topic stops it),
 * creating the missing ones with as many partitions as the job topic has, or {@value #DEFAULT_PARTITIONS} like the
 * worker when there is none yet: the fold reads jobs and events without repartitioning, so both need the same count.
 * The status topic and its index by key are compacted: only each job's latest status matters. The control topic is made as the worker makes
 * it: compacted (only the latest command per job matters) and deleting after {@link Topics#CONTROL_RETENTION}, which
 * the workers read back to forget cancels at the same age. Topics an operator created are left alone.
 */
public final class TopicProvisioner {
    /** Partitions of topics created here when the job topic does not exist yet: the worker's default. */
    static final int DEFAULT_PARTITIONS = 6;

    private static final Duration DESCRIBE_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration DESCRIBE_RETRY = Duration.ofMillis(100);
    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);

    private TopicProvisioner() {}

    /** Creates whichever of {@code topics} are missing. */
    public static void ensure(Admin admin, TopicSettings topics) throws InterruptedException, ExecutionException {
        Set<String> existing = admin.listTopics().names().get();
        int partitions = existing.contains(topics.jobs())
                ? admin.describeTopics(List.of(topics.jobs()))
                        .allTopicNames()
                        .get()
                        .get(topics.jobs())
                        .partitions()
                        .size()
                : DEFAULT_PARTITIONS;
        List<NewTopic> missing = new ArrayList<>();
        for (String name : List.of(topics.jobs(), topics.events())) {
            if (!existing.contains(name)) {
                missing.add(new NewTopic(name, partitions, (short) -1));
            }
        }
        for (String name : List.of(topics.status(), topics.statusByKey())) {
            if (!existing.contains(name)) {
                missing.add(new NewTopic(name, partitions, (short) -1)
                        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)));
            }
        }
        if (!existing.contains(topics.control())) {
            missing.add(new NewTopic(topics.control(), partitions, (short) -1)
                    .configs(Map.of(
                            TopicConfig.CLEANUP_POLICY_CONFIG,
                            TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
                            TopicConfig.RETENTION_MS_CONFIG,
                            Long.toString(Topics.CONTROL_RETENTION.toMillis()))));
        }
        if (missing.isEmpty()) {
            return;
        }
        log.info("creating topics {}", missing.stream().map(NewTopic::name).toList());
        for (var result : admin.createTopics(missing).values().values()) {
            try {
                result.get();
            } catch (ExecutionException e) {
                // another dispatcher or a worker starting at the same moment created it first
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
        awaitDescribed(admin, missing.stream().map(NewTopic::name).toList());
    }

    /**
     * Waits until Kafka describes the topics just created. A broker acknowledges a creation before its metadata has
     * them, and the Streams application's global store gives up for good when its first look at the status topic finds
     * no partitions ("There are no partitions available"), which a busy machine made happen.
     */
    private static void awaitDescribed(Admin admin, List<String> names)
            throws InterruptedException, ExecutionException {
        long deadline = System.nanoTime() + DESCRIBE_TIMEOUT.toNanos();
        while (true) {
            try {
                admin.describeTopics(names).allTopicNames().get();
                return;
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
            }
            Thread.sleep(DESCRIBE_RETRY);
        }
    }
}
