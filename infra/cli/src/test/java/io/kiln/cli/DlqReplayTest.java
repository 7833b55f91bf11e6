package io.kiln.cli;

import static io.kiln.cli.DlqRecordTest.header;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.kiln.contracts.Headers;
import java.util.List;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

class DlqReplayTest {

    @Test
    void sendsKeyAndValueUnchangedToTheOriginalTopicAsAFirstAttemptKeepingTheTrail() {
        byte[] value = {0, 1, 2, (byte) 0xff};
        DlqRecord deadLetter = new DlqRecord(
                2,
                17,
                "job-1".getBytes(UTF_8),
                value,
                List.of(
                        header(Headers.JOB_ID, "job-1"),
                        header(Headers.ATTEMPT, "4"),
                        header(Headers.ORIGINAL_TOPIC, "jobs-7"),
                        header(Headers.ORIGINAL_PARTITION, "2"),
                        header(Headers.ORIGINAL_OFFSET, "40"),
                        header(Headers.EXCEPTION_CLASS, "java.io.IOException"),
                        header(Headers.EXCEPTION_MESSAGE, "S3 down"),
                        header(Headers.FAILED_AT, "2026-05-01T12:06:20Z"),
                        header(Headers.NOT_BEFORE, "2026-05-01T12:11:20Z"),
                        header("traceparent", "00-abc-def-01")));

        ProducerRecord<byte[], byte[]> record = DlqReplay.of(deadLetter).toProducerRecord();

        assertThat(record.topic()).isEqualTo("jobs-7");
        assertThat(record.partition()).as("chosen from the key").isNull();
        assertThat(record.key()).isEqualTo("job-1".getBytes(UTF_8));
        assertThat(record.value()).isSameAs(value);
        assertThat(record.headers().toArray())
                .extracting(Header::key, header -> new String(header.value(), UTF_8))
                .containsExactly(
                        tuple(Headers.JOB_ID, "job-1"),
                        tuple(Headers.ORIGINAL_TOPIC, "jobs-7"),
                        tuple(Headers.ORIGINAL_PARTITION, "2"),
                        tuple(Headers.ORIGINAL_OFFSET, "40"),
                        tuple("traceparent", "00-abc-def-01"),
                        tuple(Headers.ATTEMPT, "1"));
    }

    @Test
    void startsAtAttemptOneEvenWithoutAnAttemptHeader() {
        DlqReplay replay = DlqReplay.of(DlqRecordTest.record("job-1"));

        assertThat(replay.headers()).extracting(Header::key).containsExactly(Headers.ATTEMPT);
        assertThat(replay.jobId()).isEqualTo("job-1");
    }
}
