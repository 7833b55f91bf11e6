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
 */
public final class ControlListener implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ControlListener.class);
    private static final Duration POLL = Duration.ofMillis(200);
    private static final Duration RETRY = Duration.ofSeconds(1);
    private static final Duration FORGET_EVERY = Duration.ofMinutes(1);

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final String topic;
    private final Cancellations cancellations;
    private final Optional<Duration> retention;
    private final Clock clock;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final Thread thread;
    private Instant nextForget = Instant.MIN;

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

    /** Waits until the commands written before the start are read, so that no job starts before its cancel is seen. */
    public boolean awaitCaughtUp(Duration timeout) throws InterruptedException {
        return caughtUp.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private void run() {
        try {
            List<TopicPartition> partitions = WholeTopic.assignFromStart(consumer, topic);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            while (!Thread.currentThread().isInterrupted()) {
                readMore(end);
            }
        } catch (WakeupException e) {
            // close() asked the thread to stop
        } finally {
            consumer.close();
        }
    }

    /** Reads what arrived; a broker hiccup is waited out, since a worker that stops reading misses cancels. */
    private void readMore(Map<TopicPartition, Long> end) {
        try {
            for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL)) {
                apply(record);
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
            try {
                Thread.sleep(RETRY);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
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
        try {
            CancelCommand command = JsonCodec.readCancel(record.value());
            cancellations.cancel(jobId, command.reason(), Instant.ofEpochMilli(record.timestamp()));
        } catch (JacksonException e) {
            log.warn("control record for job {} is not a cancel command; ignored: {}", jobId, e.getOriginalMessage());
        }
    }

    @Override
    public void close() {
        if (thread.getState() == Thread.State.NEW) {
            consumer.close();
            return;
        }
        consumer.wakeup();
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
