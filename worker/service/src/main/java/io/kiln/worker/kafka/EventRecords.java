package io.kiln.worker.kafka;

import io.kiln.contracts.Headers;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.contracts.JsonCodec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Job events as records for the event topic: CloudEvents envelopes from this worker, keyed by job id so that every
 * event of a job lands on one partition, in order.
 */
public final class EventRecords {
    private final String topic;
    private final URI source;
    private final Clock clock;

    public EventRecords(String topic, String workerId, Clock clock) {
        this.topic = topic;
        this.source = URI.create("/kiln/workers/" + workerId);
        this.clock = clock;
    }

    public ProducerRecord<byte[], byte[]> of(String jobId, JobEvent event) {
        JobEventEnvelope envelope = JobEventEnvelope.of(source, jobId, clock.instant(), event);
        byte[] key = jobId.getBytes(StandardCharsets.UTF_8);
        var record = new ProducerRecord<>(topic, key, JsonCodec.write(envelope));
        record.headers().add(Headers.JOB_ID, key);
        return record;
    }
}
