package io.kiln.dispatcher.config;

import io.kiln.contracts.Topics;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The topics the dispatcher writes and reads. The defaults are the cluster's {@link Topics}; other names let two
 * clusters (or two tests) share one Kafka.
 *
 * @param jobs where accepted jobs are written, keyed by job id
 * @param events the workers' job events, folded into the status
 * @param status the compacted job-status topic the dispatcher writes and every replica reads back; its index of jobs by
 *     API key is {@link #statusByKey()}
 * @param control where cancels are written for the workers, keyed by job id; the workers' {@code KILN_TOPICS_CONTROL}
 */
public record TopicSettings(String jobs, String events, String status, String control) {
    private static final Pattern TOPIC_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");
    private static final String BY_KEY = "-by-key";

    public TopicSettings {
        requireTopicName(jobs, "topics.jobs");
        requireTopicName(events, "topics.events");
        requireTopicName(status, "topics.status");
        if (status.length() > 249 - BY_KEY.length()) {
            throw new IllegalArgumentException("topics.status: must leave room for the suffix " + BY_KEY
                    + " of its index topic: at most " + (249 - BY_KEY.length()) + " characters");
        }
        requireTopicName(control, "topics.control");
        if (new HashSet<>(List.of(jobs, events, status, control)).size() < 4) {
            throw new IllegalArgumentException(
                    "topics: jobs, events, status and control must be four different topics, were " + jobs + ", "
                            + events + ", " + status + ", " + control);
        }
    }

    /**
     * The compacted index of the status topic by API key, from which a key's jobs are listed: the status topic's name
     * and {@code -by-key}, as the retry topics are named after the job topic.
     */
    public String statusByKey() {
        return status + BY_KEY;
    }

    /** The cluster's standard topics. */
    public static TopicSettings defaults() {
        return new TopicSettings(Topics.JOBS, Topics.EVENTS, Topics.STATUS, Topics.CONTROL);
    }

    private static void requireTopicName(String name, String field) {
        // "." and ".." match the pattern but Kafka refuses them
        if (!TOPIC_NAME.matcher(Check.notNull(name, field)).matches()
                || Set.of(".", "..").contains(name)) {
            throw new IllegalArgumentException(
                    field + ": must be 1 to 249 letters, digits, '.', '_' or '-', was '" + name + "'");
        }
    }
}
