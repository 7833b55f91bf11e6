package io.kiln.bench;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.Headers;
import io.kiln.contracts.JsonCodec;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writes requests to the job topic as a dispatcher does: keyed and headed by job id. */
final class JobSubmitter implements AutoCloseable {
    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;

    JobSubmitter(String bootstrapServers, String topic) {
        this.producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
        this.topic = topic;
    }

    void submit(List<GenerationRequest> requests) {
        for (GenerationRequest request : requests) {
            byte[] key = request.jobId().getBytes(StandardCharsets.UTF_8);
            var record = new ProducerRecord<>(topic, key, JsonCodec.write(request));
            record.headers().add(Headers.JOB_ID, key);
            producer.send(record);
        }
        producer.flush();
    }

    @Override
    public void close() {
        producer.close();
    }
}
