package io.kiln.worker.kafka;

import io.kiln.contracts.Headers;
import io.kiln.worker.config.TopicSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Where a failed request record goes next: the retry topic of its next attempt, or the dead-letter topic. Both copies
 * keep the original key and value untouched and carry the trail in {@link Headers}: the original coordinates (kept
 * from the first attempt), the exception of the latest one, and when it failed.
 */
final class Redirects {
    private final TopicSettings topics;
    private final List<Duration> delays;

    Redirects(TopicSettings topics, List<Duration> delays) {
        this.topics = topics;
        this.delays = List.copyOf(delays);
    }

    /** The retry record for the next attempt, or empty when the record's retries are spent. */
    Optional<ProducerRecord<byte[], byte[]>> retry(JobRecord record, String jobId, Throwable cause, Instant failedAt) {
        int retry = record.attempt(); // attempt n failed: retry topic n holds attempt n + 1
        if (retry > delays.size()) {
            return Optional.empty();
        }
        var headers = trail(record, jobId, cause, failedAt, retry + 1);
        headers.add(
                Headers.NOT_BEFORE, utf8(failedAt.plus(delays.get(retry - 1)).toString()));
        return Optional.of(new ProducerRecord<>(topics.retryTopic(retry), null, record.key(), record.value(), headers));
    }

    /**
     * The dead letter: on the same partition number as the original record when the dead-letter topic has it (as
     * spring-kafka does), else placed by key.
     */
    ProducerRecord<byte[], byte[]> deadLetter(
            JobRecord record, Optional<String> jobId, Throwable cause, Instant failedAt, int deadLetterPartitions) {
        var headers = trail(record, jobId.orElse(null), cause, failedAt, record.attempt());
        int original = record.partition().partition();
        Integer partition = original < deadLetterPartitions ? original : null;
        return new ProducerRecord<>(topics.deadLetters(), partition, record.key(), record.value(), headers);
    }

    private static RecordHeaders trail(JobRecord record, String jobId, Throwable cause, Instant failedAt, int attempt) {
        var headers = new RecordHeaders();
        if (jobId != null) {
            headers.add(Headers.JOB_ID, utf8(jobId));
        }
        headers.add(Headers.ATTEMPT, utf8(Integer.toString(attempt)));
        headers.add(Headers.ORIGINAL_TOPIC, utf8(record.originalTopic()));
        headers.add(Headers.ORIGINAL_PARTITION, utf8(record.originalPartition()));
        headers.add(Headers.ORIGINAL_OFFSET, utf8(record.originalOffset()));
        headers.add(Headers.EXCEPTION_CLASS, utf8(rootCause(cause).getClass().getName()));
        headers.add(Headers.EXCEPTION_MESSAGE, utf8(String.valueOf(cause.getMessage())));
        headers.add(Headers.FAILED_AT, utf8(failedAt.toString()));
        return headers;
    }

    /** The exception that started it: a connection refused says more than the failure wrapping it. */
    private static Throwable rootCause(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
