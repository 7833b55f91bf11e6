package io.kiln.cli;

import io.kiln.contracts.Headers;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeader;

/**
 * What replaying one dead letter sends: its key and value unchanged, to its original topic, as a first attempt.
 *
 * <p>Of the headers, {@value Headers#ATTEMPT} is reset to 1, and the ones that describe the failure or delay the
 * next attempt ({@value Headers#EXCEPTION_CLASS}, {@value Headers#EXCEPTION_MESSAGE}, {@value Headers#FAILED_AT},
 * {@value Headers#NOT_BEFORE}) are dropped. Every other header stays, {@value Headers#JOB_ID} and the {@code
 * kiln-original-*} trail included.
 *
 * @param source the dead letter
 * @param topic where it goes: {@link DlqRecord#originalTopic()}
 * @param headers the headers it goes with
 */
record DlqReplay(DlqRecord source, String topic, List<Header> headers) {

    /** The headers a replayed record leaves behind. */
    static final Set<String> DROPPED_HEADERS = Set.of(
            Headers.ATTEMPT, Headers.EXCEPTION_CLASS, Headers.EXCEPTION_MESSAGE, Headers.FAILED_AT, Headers.NOT_BEFORE);

    DlqReplay {
        headers = List.copyOf(headers);
    }

    static DlqReplay of(DlqRecord deadLetter) {
        List<Header> headers = new ArrayList<>();
        for (Header header : deadLetter.headers()) {
            if (!DROPPED_HEADERS.contains(header.key())) {
                headers.add(header);
            }
        }
        headers.add(new RecordHeader(Headers.ATTEMPT, "1".getBytes(StandardCharsets.UTF_8)));
        return new DlqReplay(deadLetter, deadLetter.originalTopic(), headers);
    }

    /**
     * The record to send. No partition: the producer picks it from the key, as it did for the job's first record, so
     * a replayed job lands where the rest of its records are even if the topic's partition count has changed.
     */
    ProducerRecord<byte[], byte[]> toProducerRecord() {
        return new ProducerRecord<>(topic, null, source.key(), source.value(), headers);
    }

    /** The job id, for people: the dead letter's, or {@code <no job id>}. */
    String jobId() {
        return source.jobId().orElse("<no job id>");
    }
}
