package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.Topics;
import io.kiln.infra.local.process.LocalKafka;
import io.kiln.infra.local.process.LocalKafkaConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;

/**
 * The soak's own checker, shown to catch what it looks for: a group that commits past a job with no terminal event is
 * reported, a settled one is not, and a job announced twice shows two terminal events. On a broker of its own, since
 * the soak reads Kiln's fixed topic and group names.
 */
class SoakLedgerIT {

    @Test
    void reportsACommitPastAnUnsettledJobAndCountsEveryTerminalEvent() throws Exception {
        Path root = Files.createDirectories(Path.of(System.getProperty("kiln.infra.workdir", "target/kiln-infra")));
        try (LocalKafka kafka =
                        LocalKafka.start(LocalKafkaConfig.forTests(Files.createTempDirectory(root, "ledger-")));
                KafkaProducer<byte[], byte[]> producer = producer(kafka)) {
            String bootstrap = kafka.endpoint().bootstrapServers();
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
                admin.createTopics(List.of(
                                new NewTopic(Topics.JOBS, 1, (short) 1),
                                new NewTopic(Topics.EVENTS, 1, (short) 1),
                                new NewTopic(Topics.JOBS_DLT, 1, (short) 1)))
                        .all()
                        .get();
            }
            RecordMetadata settled = send(producer, Topics.JOBS, "settled", "{}".getBytes(StandardCharsets.UTF_8));
            RecordMetadata unsettled = send(producer, Topics.JOBS, "unsettled", "{}".getBytes(StandardCharsets.UTF_8));
            for (int i = 0; i < 2; i++) {
                send(producer, Topics.EVENTS, "settled", JsonCodec.write(cancelled("settled")));
            }

            try (SoakLedger ledger = new SoakLedger(bootstrap)) {
                ledger.sent(new SoakLedger.Sent("settled", partition(settled), settled.offset(), System.nanoTime()));
                ledger.sent(
                        new SoakLedger.Sent("unsettled", partition(unsettled), unsettled.offset(), System.nanoTime()));
                commit(bootstrap, unsettled.offset() + 1);

                await().atMost(Duration.ofSeconds(60)).until(() -> ledger.checks() > 0);
                ledger.requireReading();
                assertThat(ledger.violations())
                        .singleElement()
                        .asString()
                        .startsWith("unsettled at " + Topics.JOBS + "-0@" + unsettled.offset())
                        .contains("before it was settled");
                assertThat(ledger.terminals("settled")).hasSize(2);
                assertThat(ledger.terminals("unsettled")).isEmpty();
                assertThat(ledger.countTerminal(List.of("settled", "unsettled")))
                        .isOne();
            }
        }
    }

    private static JobEventEnvelope cancelled(String jobId) {
        return JobEventEnvelope.of(
                URI.create("/kiln/workers/test"), jobId, Instant.now(), new JobEvent.Cancelled("test"));
    }

    /** Commits {@code offset} on the job topic for the workers' group, as a worker settling its records would. */
    private static void commit(String bootstrap, long offset) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ConsumerConfig.GROUP_ID_CONFIG, SoakCluster.group(),
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName()))) {
            consumer.commitSync(Map.of(new TopicPartition(Topics.JOBS, 0), new OffsetAndMetadata(offset)));
        }
    }

    private static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, String topic, String key, byte[] value)
            throws Exception {
        return producer.send(new ProducerRecord<>(topic, key.getBytes(StandardCharsets.UTF_8), value))
                .get();
    }

    private static TopicPartition partition(RecordMetadata metadata) {
        return new TopicPartition(metadata.topic(), metadata.partition());
    }

    private static KafkaProducer<byte[], byte[]> producer(LocalKafka kafka) {
        return new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.endpoint().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
    }
}
