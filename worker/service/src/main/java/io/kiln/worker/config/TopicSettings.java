package io.kiln.worker.config;

import io.kiln.contracts.Topics;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The Kafka topics a worker reads and writes. The defaults are the cluster's {@link Topics}; other names let two
 * clusters share one Kafka.
 *
 * @param jobs job requests; also the stem of the retry topics
 * @param events job events
 * @param deadLetters requests given up on
 * @param control commands to workers, such as cancellations
 */
public record TopicSettings(String jobs, String events, String deadLetters, String control) {

    static final String TOPIC_NAME_RULE = "must be 1 to 249 letters, digits, '.', '_' or '-'";

    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final String RETRY_SUFFIX = "-retry-";

    public TopicSettings {
        requireTopicName(jobs, "jobs");
        requireTopicName(events, "events");
        requireTopicName(deadLetters, "deadLetters");
        requireTopicName(control, "control");
        if (new HashSet<>(List.of(jobs, events, deadLetters, control)).size() < 4) {
            throw new IllegalArgumentException("jobs, events, deadLetters and control must be four different topics,"
                    + " were " + jobs + ", " + events + ", " + deadLetters + ", " + control);
        }
    }

    /** The cluster's standard topics. */
    public static TopicSettings defaults() {
        return new TopicSettings(Topics.JOBS, Topics.EVENTS, Topics.JOBS_DLT, Topics.CONTROL);
    }

    /**
     * The topic holding requests that wait for retry number {@code retry}, counted from 1, named like {@link
     * Topics#retryTopic(int)}: {@code <jobs>-retry-1} holds the second attempts.
     */
    public String retryTopic(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retry: retries are counted from 1, was " + retry);
        }
        return jobs + RETRY_SUFFIX + retry;
    }

    /**
     * The job topic and every retry topic of it, {@code <jobs>-retry-N} for any N: what a worker subscribes to, so
     * that records left on a retry topic that a shorter {@code retry.delays} no longer names are still taken.
     */
    public Pattern jobsAndRetries() {
        return Pattern.compile(Pattern.quote(jobs) + "(" + Pattern.quote(RETRY_SUFFIX) + "[1-9][0-9]*)?");
    }

    /** Whether Kafka accepts {@code name} as a topic name. */
    static boolean isTopicName(String name) {
        // "." and ".." match the pattern but Kafka refuses them
        return TOPIC_NAME.matcher(name).matches() && !Set.of(".", "..").contains(name);
    }

    private static void requireTopicName(String name, String field) {
        if (!isTopicName(Check.notNull(name, field))) {
            throw new IllegalArgumentException(field + ": " + TOPIC_NAME_RULE + ", was '" + name + "'");
        }
    }
}
