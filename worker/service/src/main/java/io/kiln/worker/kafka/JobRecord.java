package io.kiln.worker.kafka;

import io.kiln.contracts.Headers;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.HexFormat;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

/**
 * A request record as the worker took it, from the job topic or a retry topic, with its Kiln headers read. The key
 * and value are kept as bytes so that a retry or a dead letter carries them unchanged.
 *
 * @param timestamp when the record reached the broker: the start of the job's queue wait
 */
public record JobRecord(
        TopicPartition partition,
        long offset,
        byte[] key,
        byte[] value,
        org.apache.kafka.common.header.Headers headers,
        Instant timestamp) {

    public static JobRecord of(ConsumerRecord<byte[], byte[]> record) {
        return new JobRecord(
                new TopicPartition(record.topic(), record.partition()),
                record.offset(),
                record.key(),
                record.value(),
                record.headers(),
                Instant.ofEpochMilli(record.timestamp()));
    }

    /** Which attempt at the job this record is: 1 on the job topic, n + 1 on retry topic n. */
    public int attempt() {
        return header(Headers.ATTEMPT).map(JobRecord::parsePositive).orElse(1);
    }

    /** The instant before which a retry record must wait; empty on the job topic. */
    public Optional<Instant> notBefore() {
        return header(Headers.NOT_BEFORE).flatMap(JobRecord::parseInstant);
    }

    /** The job id the record's producer put in its header or key, for records whose value cannot be read. */
    public Optional<String> declaredJobId() {
        return header(Headers.JOB_ID).or(() -> Optional.ofNullable(key).map(JobRecord::utf8));
    }

    /** The topic the job was first consumed from, kept through retries. */
    public String originalTopic() {
        return header(Headers.ORIGINAL_TOPIC).orElse(partition.topic());
    }

    /** The partition the job was first consumed from. */
    public String originalPartition() {
        return header(Headers.ORIGINAL_PARTITION).orElse(Integer.toString(partition.partition()));
    }

    /** The offset the job was first consumed at. */
    public String originalOffset() {
        return header(Headers.ORIGINAL_OFFSET).orElse(Long.toString(offset));
    }

    /** The SHA-256 of the record's value in lower-case hex, naming the request apart from its job id. */
    public String requestSha256() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(value == null ? new byte[0] : value);
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** {@code topic-partition@offset}, for logs and messages. */
    public String coordinates() {
        return partition + "@" + offset;
    }

    private Optional<String> header(String name) {
        Header header = headers.lastHeader(name);
        return header == null || header.value() == null ? Optional.empty() : Optional.of(utf8(header.value()));
    }

    private static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }

    // A header some other producer mangled must not make a record unprocessable: it counts as absent.
    private static int parsePositive(String text) {
        try {
            return Math.max(1, Integer.parseInt(text.strip()));
        } catch (NumberFormatException e) {
            return 1;
        }
    }

    private static Optional<Instant> parseInstant(String text) {
        try {
            return Optional.of(Instant.parse(text.strip()));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
