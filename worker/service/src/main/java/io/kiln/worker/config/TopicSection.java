package io.kiln.worker.config;

import static io.kiln.worker.config.ConfigKey.TOPICS_CONTROL;
import static io.kiln.worker.config.ConfigKey.TOPICS_DEAD_LETTERS;
import static io.kiln.worker.config.ConfigKey.TOPICS_EVENTS;
import static io.kiln.worker.config.ConfigKey.TOPICS_JOBS;

import java.util.List;
import java.util.function.Supplier;

/** Reads {@code topics.*} into {@link TopicSettings}. */
final class TopicSection {
    private static final List<ConfigKey> KEYS =
            List.of(TOPICS_JOBS, TOPICS_EVENTS, TOPICS_DEAD_LETTERS, TOPICS_CONTROL);

    private TopicSection() {}

    /** Records every problem in {@code values}; the supplier may be called only when there were none. */
    static Supplier<TopicSettings> read(ConfigValues values) {
        TopicSettings defaults = TopicSettings.defaults();
        List<String> defaultNames =
                List.of(defaults.jobs(), defaults.events(), defaults.deadLetters(), defaults.control());
        var topicName = Parsers.matching(TopicSettings::isTopicName, TopicSettings.TOPIC_NAME_RULE);
        List<String> names = KEYS.stream()
                .map(key -> values.parsed(key, defaultNames.get(KEYS.indexOf(key)), topicName))
                .toList();
        requireDistinct(names, values);
        return () -> new TopicSettings(names.get(0), names.get(1), names.get(2), names.get(3));
    }

    // Two roles on one topic would, for example, feed the worker its own events as jobs.
    private static void requireDistinct(List<String> names, ConfigValues values) {
        for (int later = 1; later < names.size(); later++) {
            int first = names.indexOf(names.get(later));
            if (first < later) {
                values.problem(
                        KEYS.get(later),
                        "must differ from " + KEYS.get(first) + ", both are '" + names.get(later) + "'");
            }
        }
    }
}
