package io.kiln.worker.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.Headers;
import io.kiln.worker.config.TopicSettings;
import io.kiln.worker.failure.JobFailure;
import java.net.ConnectException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class RedirectsTest {
    private static final Instant FAILED_AT = Instant.parse("2026-05-01T12:00:00Z");
    private static final byte[] KEY = "job-1".getBytes(StandardCharsets.UTF_8);
    private static final byte[] VALUE = {1, 2, 3};

    private final Redirects redirects =
            new Redirects(TopicSettings.defaults(), List.of(Duration.ofSeconds(10), Duration.ofMinutes(1)));
    private final JobFailure storage = JobFailure.retriable(
            ErrorCode.STORAGE_UNAVAILABLE, "put gave up", new IllegalStateException(new ConnectException("refused")));

    @Test
    void aFirstFailureGoesToRetryTopicOneWithTheNextAttemptAndItsTime() {
        JobRecord first = record("kiln.jobs.v1", 3, 41, new RecordHeaders());

        ProducerRecord<byte[], byte[]> retry =
                redirects.retry(first, "job-1", storage, FAILED_AT).orElseThrow();

        assertThat(retry.topic()).isEqualTo("kiln.jobs.v1-retry-1");
        assertThat(retry.key()).isEqualTo(KEY);
        assertThat(retry.value()).isEqualTo(VALUE);
        assertThat(header(retry, Headers.ATTEMPT)).isEqualTo("2");
        assertThat(header(retry, Headers.NOT_BEFORE)).isEqualTo("2026-05-01T12:00:10Z");
        assertThat(header(retry, Headers.ORIGINAL_TOPIC)).isEqualTo("kiln.jobs.v1");
        assertThat(header(retry, Headers.ORIGINAL_PARTITION)).isEqualTo("3");
        assertThat(header(retry, Headers.ORIGINAL_OFFSET)).isEqualTo("41");
        assertThat(header(retry, Headers.EXCEPTION_CLASS)).isEqualTo("java.net.ConnectException");
        assertThat(header(retry, Headers.EXCEPTION_MESSAGE)).isEqualTo("put gave up");
        assertThat(header(retry, Headers.FAILED_AT)).isEqualTo("2026-05-01T12:00:00Z");
        assertThat(header(retry, Headers.JOB_ID)).isEqualTo("job-1");
    }

    @Test
    void laterAttemptsKeepTheOriginalCoordinatesAndSpentOnesGetNoRetry() {
        var trail = new RecordHeaders();
        trail.add(Headers.ATTEMPT, "2".getBytes(StandardCharsets.UTF_8));
        trail.add(Headers.ORIGINAL_TOPIC, "kiln.jobs.v1".getBytes(StandardCharsets.UTF_8));
        trail.add(Headers.ORIGINAL_PARTITION, "3".getBytes(StandardCharsets.UTF_8));
        trail.add(Headers.ORIGINAL_OFFSET, "41".getBytes(StandardCharsets.UTF_8));
        JobRecord second = record("kiln.jobs.v1-retry-1", 0, 7, trail);

        var retry = redirects.retry(second, "job-1", storage, FAILED_AT).orElseThrow();
        assertThat(retry.topic()).isEqualTo("kiln.jobs.v1-retry-2");
        assertThat(header(retry, Headers.ATTEMPT)).isEqualTo("3");
        assertThat(header(retry, Headers.NOT_BEFORE)).isEqualTo("2026-05-01T12:01:00Z");
        assertThat(header(retry, Headers.ORIGINAL_OFFSET)).isEqualTo("41");

        trail.remove(Headers.ATTEMPT);
        trail.add(Headers.ATTEMPT, "3".getBytes(StandardCharsets.UTF_8));
        assertThat(redirects.retry(second, "job-1", storage, FAILED_AT)).isEmpty();

        // a record from a retry topic today's shorter policy no longer names: retries spent, a dead letter next
        trail.remove(Headers.ATTEMPT);
        trail.add(Headers.ATTEMPT, "4".getBytes(StandardCharsets.UTF_8));
        JobRecord stranded = record("kiln.jobs.v1-retry-3", 0, 9, trail);
        assertThat(redirects.retry(stranded, "job-1", storage, FAILED_AT)).isEmpty();
    }

    @Test
    void aDeadLetterKeepsItsPartitionNumberWhenTheTopicHasIt() {
        JobRecord bad = record("kiln.jobs.v1", 3, 41, new RecordHeaders());
        JobFailure invalid = JobFailure.terminal(ErrorCode.INVALID_REQUEST, "prompt: is required");

        var letter = redirects.deadLetter(bad, Optional.empty(), invalid, FAILED_AT, 6);
        var placedByKey = redirects.deadLetter(bad, Optional.empty(), invalid, FAILED_AT, 2);

        assertThat(letter.topic()).isEqualTo("kiln.jobs.v1.DLT");
        assertThat(letter.partition()).isEqualTo(3);
        assertThat(letter.value()).isEqualTo(VALUE);
        assertThat(header(letter, Headers.ATTEMPT)).isEqualTo("1");
        assertThat(header(letter, Headers.EXCEPTION_CLASS)).isEqualTo(JobFailure.class.getName());
        assertThat(letter.headers().lastHeader(Headers.JOB_ID))
                .as("no readable job id")
                .isNull();
        assertThat(placedByKey.partition()).isNull();
    }

    private static JobRecord record(String topic, int partition, long offset, RecordHeaders headers) {
        return new JobRecord(new TopicPartition(topic, partition), offset, KEY, VALUE, headers, FAILED_AT);
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String name) {
        return new String(record.headers().lastHeader(name).value(), StandardCharsets.UTF_8);
    }
}
