package io.kiln.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.worker.config.KafkaSettings;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;

class KafkaClientPropertiesTest {
    private static final Map<String, String> OPERATOR = Map.of(
            "security.protocol", "SASL_SSL",
            "enable.auto.commit", "true",
            "isolation.level", "read_uncommitted",
            "enable.idempotence", "false",
            // the worker sets 20 and 0: a value of its own would not tell whether the operator's won
            "linger.ms", "50");

    private final KafkaClientProperties properties = new KafkaClientProperties(
            new KafkaSettings("broker:9092", "kiln-workers", Optional.of("gpu-0"), OPERATOR), "gpu-0");

    @Test
    void theJobConsumerCommitsOnlyThroughTransactionsAndReadsCommittedRecords() {
        Map<String, Object> consumer = properties.jobConsumer();

        assertThat(consumer)
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .containsEntry(ConsumerConfig.GROUP_ID_CONFIG, "kiln-workers")
                .containsEntry(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "gpu-0")
                .containsEntry(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic")
                .containsEntry(
                        ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, CooperativeStickyAssignor.class.getName())
                .containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void producersAreIdempotentAndTheOutcomeProducerTransactional() {
        assertThat(properties.transactionalProducer())
                .containsEntry(ProducerConfig.TRANSACTIONAL_ID_CONFIG, "kiln-worker-gpu-0")
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .containsEntry(ProducerConfig.ACKS_CONFIG, "all")
                .containsEntry("security.protocol", "SASL_SSL");
        assertThat(properties.eventProducer())
                .containsEntry(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true)
                .doesNotContainKey(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    }

    @Test
    void theControlConsumerReadsOnlyCommittedCancelsWhateverTheOperatorSets() {
        assertThat(properties.controlConsumer())
                .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed")
                .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                .containsEntry("security.protocol", "SASL_SSL");
    }

    @Test
    void theOperatorTunesWhatTheGuaranteesDoNotRestOn() {
        assertThat(properties.eventProducer()).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "50");
        assertThat(properties.transactionalProducer()).containsEntry(ProducerConfig.LINGER_MS_CONFIG, "50");
    }
}
