package io.kiln.worker.kafka;

import io.kiln.contracts.Topics;
import io.kiln.worker.config.TopicSettings;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure the worker's topics exist before it joins the group, creating the missing ones: the retry and
 * dead-letter topics with as many partitions as the job topic (dead letters keep their partition number), and the
 * control topic compacted (only the latest command per job matters) with a retention of
 * {@link Topics#CONTROL_RETENTION}, as the dispatcher creates it. Topics an operator created are left as they are.
 */
public final class TopicProvisioner {
    /** Partitions of a job topic created here: the most workers one group can keep busy. */
    static final int DEFAULT_PARTITIONS = 6;

    private static final Logger log = LoggerFactory.getLogger(TopicProvisioner.class);
    private static final Duration METADATA_WAIT = Duration.ofSeconds(30);
    private static final Duration METADATA_POLL = Duration.ofMillis(100);

    private TopicProvisioner() {}

    /**
     * The topics as the worker found or made them.
     *
     * @param partitions the partition count of each topic, by name
     * @param controlRetention how long the control topic keeps a command; empty when it keeps them forever (no
     *     {@code delete} cleanup policy, or {@code retention.ms=-1})
     */
    public record Provisioned(Map<String, Integer> partitions, Optional<Duration> controlRetention) {
        public Provisioned {
            partitions = Map.copyOf(partitions);
        }
    }

    /** Creates whichever of the worker's topics are missing. */
    public static Provisioned ensure(Map<String, Object> adminProperties, TopicSettings topics, int retries)
            throws InterruptedException {
        try (Admin admin = Admin.create(adminProperties)) {
            Set<String> existing = admin.listTopics().names().get();
            int partitions = existing.contains(topics.jobs()) ? describe(admin, topics.jobs()) : DEFAULT_PARTITIONS;
            List<NewTopic> missing = new ArrayList<>();
            List<String> wanted = new ArrayList<>(List.of(topics.jobs(), topics.deadLetters(), topics.events()));
            for (int retry = 1; retry <= retries; retry++) {
                wanted.add(topics.retryTopic(retry));
            }
            for (String name : wanted) {
                if (!existing.contains(name)) {
                    missing.add(new NewTopic(name, partitions, (short) -1));
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
            create(admin, missing);
            Map<String, Integer> counts = new HashMap<>();
            for (String name : wanted) {
                counts.put(name, describe(admin, name));
            }
            counts.put(topics.control(), describe(admin, topics.control()));
            return new Provisioned(counts, retention(admin, topics.control()));
        } catch (ExecutionException e) {
            throw new IllegalStateException(
                    "cannot check or create the worker's topics: " + e.getCause(), e.getCause());
        }
    }

    private static void create(Admin admin, List<NewTopic> missing) throws InterruptedException, ExecutionException {
        if (missing.isEmpty()) {
            return;
        }
        log.info("creating topics {}", missing.stream().map(NewTopic::name).toList());
        for (var result : admin.createTopics(missing).values().values()) {
            try {
                result.get();
            } catch (ExecutionException e) {
                // another worker starting at the same moment created it first
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
            }
        }
    }

    private static Optional<Duration> retention(Admin admin, String topic)
            throws InterruptedException, ExecutionException {
        var resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        Config config = admin.describeConfigs(List.of(resource)).all().get().get(resource);
        boolean deletes = List.of(
                        config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value().split(","))
                .contains(TopicConfig.CLEANUP_POLICY_DELETE);
        long millis = Long.parseLong(config.get(TopicConfig.RETENTION_MS_CONFIG).value());
        return deletes && millis >= 0 ? Optional.of(Duration.ofMillis(millis)) : Optional.empty();
    }

    private static int describe(Admin admin, String topic) throws InterruptedException, ExecutionException {
        // createTopics completes once the controller has the topic; the broker answering the describe may learn of it
        // a moment later, and until then it answers UNKNOWN_TOPIC_OR_PARTITION
        long deadline = System.nanoTime() + METADATA_WAIT.toNanos();
        while (true) {
            try {
                TopicDescription description = admin.describeTopics(List.of(topic))
                        .allTopicNames()
                        .get()
                        .get(topic);
                return description.partitions().size();
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(METADATA_POLL);
            }
        }
    }
}
