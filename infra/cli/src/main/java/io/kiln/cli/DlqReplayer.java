package io.kiln.cli;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends {@link DlqReplay replays} and waits until the broker has acknowledged every one of them.
 *
 * <p>The dead letters stay on their topic: replaying one twice sends its job twice.
 */
final class DlqReplayer implements AutoCloseable {

    /**
     * A replay the broker acknowledged.
     *
     * @param partition the partition of {@link DlqReplay#topic()} it was written to
     * @param offset its offset there
     */
    record Sent(DlqReplay replay, int partition, long offset) {}

    private final String bootstrapServers;
    private final KafkaProducer<byte[], byte[]> producer;

    DlqReplayer(String bootstrapServers) {
        this.bootstrapServers = bootstrapServers;
        Map<String, Object> config = new HashMap<>();
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        config.put(ProducerConfig.CLIENT_ID_CONFIG, "kiln-dlq-replayer");
        // A send the client retries after a lost acknowledgement is written once, not twice.
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // "Replayed" must mean every in-sync replica has the job, not just the leader.
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        // A handful of records sent once: waiting to fill a batch would only delay them.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        // Half the defaults (a minute for metadata, two per record): a person waits for this command.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 30_000);
        config.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 60_000);
        config.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        config.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        this.producer = new KafkaProducer<>(config);
    }

    /**
     * Sends the replays in order and returns once the broker has acknowledged all of them.
     *
     * @throws DlqException naming the replays that failed (and how many were acknowledged) if any did
     */
    List<Sent> send(List<DlqReplay> replays) {
        List<Future<RecordMetadata>> acknowledgements = new ArrayList<>();
        try {
            for (DlqReplay replay : replays) {
                acknowledgements.add(producer.send(replay.toProducerRecord()));
            }
            producer.flush();
        } catch (KafkaException e) {
            throw new DlqException(
                    "cannot send to " + bootstrapServers + " (" + acknowledgements.size() + " of " + replays.size()
                            + " sent before): " + e.getMessage(),
                    e);
        }
        List<Sent> sent = new ArrayList<>();
        List<String> failures = new ArrayList<>();
        for (int i = 0; i < replays.size(); i++) {
            DlqReplay replay = replays.get(i);
            try {
                RecordMetadata metadata = acknowledgements.get(i).get();
                sent.add(new Sent(replay, metadata.partition(), metadata.offset()));
            } catch (ExecutionException e) {
                failures.add("job " + replay.jobId() + " (" + replay.source().position() + "): "
                        + e.getCause().getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DlqException("interrupted while waiting for the broker's acknowledgements", e);
            }
        }
        if (!failures.isEmpty()) {
            throw new DlqException("replayed " + sent.size() + " of " + replays.size() + "; not replayed: "
                    + String.join("; ", failures));
        }
        return sent;
    }

    @Override
    public void close() {
        producer.close();
    }
}
