package io.kiln.worker.control;

import io.kiln.contracts.CancelCommand;
import io.kiln.contracts.JsonCodec;
import io.kiln.worker.kafka.WholeTopic;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;

/**
 * Reads the whole control topic on its own thread, from the beginning and then as it grows, into
 * {@link Cancellations}. Every worker reads every partition, without a consumer group: any worker may hold the job a
 * command names.
 *
 * <p>A topic with a retention deletes its old commands, and the listener forgets them at the same age, so a worker
 * that has run for months knows the same cancels as one started today, and its set stops growing.
 *
 * <p>A worker that stops reading misses cancels, so the listener never stops on its own: a record that is no cancel
 * command is skipped, a broker hiccup is waited out, and any other failure restarts the reading from the topic's
 * beginning after a doubling backoff. {@link #healthy} says whether it is reading, for the worker's readiness.
 */
public final class ControlListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlListener.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration LONGEST_RESTART_BACKOFF = Duration.ofSeconds(30);
    private static final Duration FORGET_EVERY = Duration.ofMinutes(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Cancellations cancellations;
    private final Optional<Duration> retention;
    private final Clock clock;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private final CountDownLatch closed = new CountDownLatch(1);
    private Instant nextForget = Instant.MIN;
    private volatile boolean reading = true;
    private volatile boolean closing;

    /**
     * @param retention how long the topic keeps a command (its {@code retention.ms}); empty when it keeps them
     *     forever
     * @param clock tells the age of commands
     */
    public ControlListener(
            Map<String, Object> consumerProperties,
            String topic,
            Optional<Duration> retention,
            Cancellations cancellations,
            Clock clock) {
        this.consumer = new KafkaConsumer<>(consumerProperties);
        this.topic = topic;
        this.retention = retention;
        this.cancellations = cancellations;
        this.clock = clock;
        this.thread = Thread.ofPlatform().name("kiln-control").daemon().unstarted(this::run);
    }

    public void start() {
        thread.start();
    }

    /** Whether the listener is reading the topic, rather than waiting to restart after a failure. */
    public boolean healthy() {
        return reading && thread.isAlive();
    }

    /** Waits until the commands written before the start are read, so that no job starts before its cancel is seen. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        Duration backoff = RETRY;
        try {
            while (!closing) {
                try {
                    List<TopicPartition> partitions = WholeTopic.assignFromStart(consumer, topic);
                    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                    reading = true;
                    backoff = RETRY;
                    while (!closing) {
                        readMore(end);
                    }
                } catch (WakeupException e) {
                    // close() asked the thread to stop
                } catch (RuntimeException e) {
                    reading = false;
                    log.error("reading {} failed; reading it again from its start in {}", topic, backoff, e);
                    sleep(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(LONGEST_RESTART_BACKOFF) < 0
                            ? backoff.multipliedBy(2)
                            : LONGEST_RESTART_BACKOFF;
                }
            }
        } finally {
            reading = false;
            consumer.close();
        }
    }

    /**
     * Waits out a restart's backoff, or until close(). Not by interrupting: an interrupt that reached the thread after
     * its last check would make the consumer's close fail (and log an error) on it.
     */
    private void sleep(Duration duration) {
        try {
            closed.await(duration.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads what arrived; a broker hiccup is waited out, since a worker that stops reading misses cancels. */
    private void readMore(Map<TopicPartition, Long> end) {
        try {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                try {
                    apply(record);
                } catch (RuntimeException e) {
                    // one record's fault: reading again from the start would only meet it again
                    log.error("control record {}-{}@{} ignored", topic, record.partition(), record.offset(), e);
                }
            }
            boolean catchingUp = caughtUp.getCount() > 0;
            if (catchingUp && !reached(end)) {
                return;
            }
            // before the first job is checked, so that no job meets a cancel the topic has already deleted
            forgetExpired();
            if (catchingUp) {
                caughtUp.countDown();
            }
        } catch (WakeupException e) {
            throw e;
        } catch (KafkaException e) {
            log.warn("reading {} failed; trying again in {}: {}", topic, RETRY, e.toString());
            sleep(RETRY);
        }
    }

    private void forgetExpired() {
        Instant now = clock.instant();
        if (retention.isPresent() && !now.isBefore(nextForget)) {
            cancellations.forgetWrittenBefore(now.minus(retention.get()));
            nextForget = now.plus(FORGET_EVERY);
        }
    }

    private boolean reached(Map<TopicPartition, Long> end) {
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        if (record.key() == null) {
            log.warn(
                    "control record {}-{}@{} has no key (a job id); ignored",
                    topic,
                    record.partition(),
                    record.offset());
            return;
        }
        String jobId = new String(record.key(), StandardCharsets.UTF_8);
        if (record.value() == null) {
            cancellations.withdraw(jobId);
            return;
        }
        CancelCommand command;
        try {
            command = JsonCodec.readCancel(record.value());
        } catch (JacksonException e) {
            log.warn("control record for job {} is not a cancel command; ignored: {}", jobId, e.getOriginalMessage());
            return;
        }
        if (command == null) {
            log.warn("control record for job {} is JSON null, not a cancel command; ignored", jobId);
            return;
        }
        cancellations.cancel(jobId, command.reason(), Instant.ofEpochMilli(record.timestamp()));
    }

    @Override
    public void close() {
        if (thread.getState() == Thread.State.NEW) {
            consumer.close();
            return;
        }
        closing = true;
        closed.countDown();
        consumer.wakeup();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
