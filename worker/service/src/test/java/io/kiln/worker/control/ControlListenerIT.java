package io.kiln.worker.control;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.CancelCommand;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.Topics;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.testing.KilnInfra;
import io.kiln.worker.config.KafkaSettings;
import io.kiln.worker.config.TopicSettings;
import io.kiln.worker.kafka.KafkaClientProperties;
import io.kiln.worker.kafka.OutageKafka;
import io.kiln.worker.kafka.TopicProvisioner;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The cancels a worker knows follow what its control topic keeps: on a topic the worker created, cancels older than
 * the topic's retention are forgotten; on a compacted topic without retention, every cancel is kept.
 */
@KilnInfra
class ControlListenerIT {
    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    @Test
    void aTopicTheWorkerCreatedKeepsCancelsForItsRetentionAndTheListenerForgetsOlderOnes(KafkaEndpoint kafka)
            throws Exception {
        var properties = properties(kafka);
        TopicSettings topics = topics();
        var provisioned = TopicProvisioner.ensure(properties.admin(), topics, 1);
        Instant now = Instant.now();
        write(kafka, topics.control(), "last-week", now.minus(Duration.ofDays(8)));
        write(kafka, topics.control(), "yesterday", now.minus(Duration.ofDays(1)));

        assertThat(provisioned.controlRetention()).contains(Topics.CONTROL_RETENTION);
        Cancellations cancellations = readToEnd(properties, topics.control(), provisioned.controlRetention());
        assertThat(cancellations.isCancelled("last-week")).isFalse();
        assertThat(cancellations.reason("yesterday")).contains("because of yesterday");
    }

    @Test
    void aCompactedTopicWithoutRetentionKeepsEveryCancel(KafkaEndpoint kafka) throws Exception {
        var properties = properties(kafka);
        TopicSettings topics = topics();
        try (Admin admin = Admin.create(properties.admin())) {
            admin.createTopics(List.of(new NewTopic(topics.control(), 1, (short) 1)
                            .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
                    .all()
                    .get();
        }
        var provisioned = TopicProvisioner.ensure(properties.admin(), topics, 1);
        write(kafka, topics.control(), "last-year", Instant.now().minus(Duration.ofDays(365)));

        assertThat(provisioned.controlRetention()).isEmpty();
        Cancellations cancellations = readToEnd(properties, topics.control(), provisioned.controlRetention());
        assertThat(cancellations.reason("last-year")).contains("because of last-year");
    }

    /**
     * A control record whose value is no cancel command, here the JSON literal {@code null}, is skipped: the cancels
     * after it still count (issue 19, defect 7: it killed the listener's thread, silently).
     */
    @Test
    void aRecordThatIsNoCancelIsSkippedAndTheNextCancelsCount(KafkaEndpoint kafka) throws Exception {
        var properties = properties(kafka);
        TopicSettings topics = topics();
        var provisioned = TopicProvisioner.ensure(properties.admin(), topics, 1);
        writeRaw(kafka, topics.control(), "poison", "null".getBytes(StandardCharsets.UTF_8));
        write(kafka, topics.control(), "after", Instant.now());

        Cancellations cancellations = readToEnd(properties, topics.control(), provisioned.controlRetention());

        assertThat(cancellations.isCancelled("poison")).isFalse();
        assertThat(cancellations.reason("after")).contains("because of after");
    }

    /**
     * A listener that fails outside any record (here the broker does not answer when it starts) restarts with
     * backoff, says so while it is down, and reads the cancels once the broker is back (issue 19, defect 7).
     */
    @Test
    void aListenerThatFailsRestartsAndSaysItIsDownMeanwhile() throws Exception {
        try (var broker = OutageKafka.start()) {
            var properties = properties(broker.endpoint());
            TopicSettings topics = topics();
            var provisioned = TopicProvisioner.ensure(properties.admin(), topics, 1);
            write(broker.endpoint(), topics.control(), "early", Instant.now());
            Map<String, Object> consumer = new HashMap<>(properties.controlConsumer());
            // an unanswered call fails after 2 s rather than the default minute
            consumer.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 2_000);
            consumer.put(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, 1_000);
            var cancellations = new Cancellations();

            broker.freeze();
            try (var listener = new ControlListener(
                    consumer, topics.control(), provisioned.controlRetention(), cancellations, Clock.systemUTC())) {
                try {
                    listener.start();
                    await().atMost(Duration.ofSeconds(30)).until(() -> !listener.healthy());
                } finally {
                    broker.thaw();
                }
                assertThat(listener.awaitCaughtUp(Duration.ofSeconds(60))).isTrue();
                await().atMost(Duration.ofSeconds(30)).until(listener::healthy);
                assertThat(cancellations.isCancelled("early")).isTrue();
                write(broker.endpoint(), topics.control(), "late", Instant.now());
                await().atMost(Duration.ofSeconds(30)).until(() -> cancellations.isCancelled("late"));
            }
        }
    }

    private static KafkaClientProperties properties(KafkaEndpoint kafka) {
        return new KafkaClientProperties(
                new KafkaSettings(kafka.bootstrapServers(), "control-it", Optional.empty(), Map.of()), "control-it");
    }

    private static TopicSettings topics() {
        String stem = "control-it-" + UUID.randomUUID();
        return new TopicSettings(stem + ".jobs", stem + ".events", stem + ".jobs.DLT", stem + ".control");
    }

    /** A cancel of job {@code jobId} whose record says it was written at {@code writtenAt}. */
    private static void write(KafkaEndpoint kafka, String topic, String jobId, Instant writtenAt) throws Exception {
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            var command = new CancelCommand("because of " + jobId, writtenAt);
            producer.send(new ProducerRecord<>(
                            topic,
                            null,
                            writtenAt.toEpochMilli(),
                            jobId.getBytes(StandardCharsets.UTF_8),
                            JsonCodec.write(command)))
                    .get();
        }
    }

    private static void writeRaw(KafkaEndpoint kafka, String topic, String jobId, byte[] value) throws Exception {
        try (var producer = new KafkaProducer<byte[], byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            producer.send(new ProducerRecord<>(topic, jobId.getBytes(StandardCharsets.UTF_8), value))
                    .get();
        }
    }

    private static Cancellations readToEnd(KafkaClientProperties properties, String topic, Optional<Duration> retention)
            throws Exception {
        var cancellations = new Cancellations();
        try (var listener =
                new ControlListener(properties.controlConsumer(), topic, retention, cancellations, Clock.systemUTC())) {
            listener.start();
            assertThat(listener.awaitCaughtUp(CATCH_UP)).isTrue();
        }
        return cancellations;
    }
}
