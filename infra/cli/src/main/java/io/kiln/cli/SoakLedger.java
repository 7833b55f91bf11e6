package io.kiln.cli;

import io.kiln.contracts.Headers;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.Topics;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * What became of every record the soak sent, read as a client reads it ({@code read_committed}): the events, the retry
 * topics and the dead letters, on a thread of its own.
 *
 * <p>Every few seconds it also checks the promise behind the workers' commits: it reads the group's committed offsets,
 * catches up with every topic it reads ({@link #checkCommits}), and requires each record below a committed offset to
 * be settled, by a terminal event or by a copy on a later retry topic. A worker committing past a job it had not
 * finished would fail it.
 */
final class SoakLedger implements AutoCloseable {
    /** How often the committed offsets are checked. */
    private static final Duration CHECK_EVERY = Duration.ofSeconds(5);

    /**
     * How long a check may take to read up to the marks it set: past it (an outage, or a transaction a killed worker
     * left open until the broker aborts it) the check is skipped.
     */
    private static final Duration CATCH_UP = Duration.ofSeconds(30);

    /** A request record the soak sent, where it landed and when. */
    record Sent(String jobId, TopicPartition partition, long offset, long sentAtNanos) {}

    /** A copy of a request the workers wrote to a retry topic or the dead-letter topic. */
    record Redirected(String jobId, TopicPartition partition, long offset, int attempt, String reason) {}

    /** One job's events, as read. */
    static final class Trail {
        final List<JobEventEnvelope> terminals = new ArrayList<>();
        long sentAtNanos;
        int starts;
        long firstTerminalReadAtNanos;
        int highestRedirectedAttempt;
    }

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final Admin admin;
    private final Thread thread;
    private final Map<String, Trail> trails = new HashMap<>();
    private final Map<TopicPartition, Map<Long, Sent>> sent = new HashMap<>();
    private final Map<TopicPartition, Map<Long, Redirected>> redirected = new HashMap<>();
    private final Map<String, Redirected> deadLetterByOrigin = new HashMap<>();
    private final List<String> violations = new ArrayList<>();
    private int checks;
    private volatile RuntimeException failure;

    SoakLedger(String bootstrapServers) {
        this.consumer = new KafkaConsumer<>(Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                "read_committed",
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName(),
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class.getName()));
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
        try {
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : readTopics()) {
                consumer.partitionsFor(topic)
                        .forEach(info -> partitions.add(new TopicPartition(topic, info.partition())));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        } catch (RuntimeException e) {
            consumer.close();
            admin.close();
            throw e;
        }
        this.thread = Thread.ofPlatform().name("soak-ledger").daemon().start(this::run);
    }

    /** The events, the dead letters and each retry topic the workers created. */
    private List<String> readTopics() {
        try {
            List<String> topics = new ArrayList<>(List.of(Topics.EVENTS, Topics.JOBS_DLT));
            admin.listTopics().names().get(30, TimeUnit.SECONDS).stream()
                    .filter(name -> name.startsWith(Topics.JOBS + "-retry-"))
                    .sorted()
                    .forEach(topics::add);
            return topics;
        } catch (Exception e) {
            throw new IllegalStateException("cannot list the topics: " + e.getMessage(), e);
        }
    }

    /** Notes a record the soak sent, once the broker has acknowledged it. */
    synchronized void sent(Sent record) {
        sent.computeIfAbsent(record.partition(), p -> new HashMap<>()).put(record.offset(), record);
        trails.computeIfAbsent(record.jobId(), id -> new Trail()).sentAtNanos = record.sentAtNanos();
    }

    /** When the soak sent {@code jobId}'s record, in {@link System#nanoTime()}'s terms. */
    synchronized long sentAtNanos(String jobId) {
        return trails.get(jobId).sentAtNanos;
    }

    /** A copy of what the ledger knows of {@code jobId}'s terminal events, in the order read. */
    synchronized List<JobEventEnvelope> terminals(String jobId) {
        Trail trail = trails.get(jobId);
        return trail == null ? List.of() : List.copyOf(trail.terminals);
    }

    /** How many times {@code jobId} was started, on any worker: more than once means it was computed again. */
    synchronized int starts(String jobId) {
        Trail trail = trails.get(jobId);
        return trail == null ? 0 : trail.starts;
    }

    /** When the first terminal event of {@code jobId} was read, in {@link System#nanoTime()}'s terms. */
    synchronized long firstTerminalReadAtNanos(String jobId) {
        return trails.get(jobId).firstTerminalReadAtNanos;
    }

    /** The dead letter of the record the soak sent to {@code partition} at {@code offset}, if one was read. */
    synchronized Optional<Redirected> deadLetterOf(TopicPartition partition, long offset) {
        return Optional.ofNullable(
                deadLetterByOrigin.get(partition.topic() + "/" + partition.partition() + "/" + offset));
    }

    /** Records read on the retry topics. */
    synchronized long retried() {
        return redirected.entrySet().stream()
                .filter(entry -> !entry.getKey().topic().equals(Topics.JOBS_DLT))
                .mapToLong(entry -> entry.getValue().size())
                .sum();
    }

    /** How many of {@code jobIds} have a terminal event. */
    synchronized long countTerminal(List<String> jobIds) {
        return jobIds.stream()
                .filter(id ->
                        trails.containsKey(id) && !trails.get(id).terminals.isEmpty())
                .count();
    }

    /** The records the commit checks found committed before they were settled. */
    synchronized List<String> violations() {
        return List.copyOf(violations);
    }

    /** How many commit checks ran to the end (a check during a broker outage is skipped). */
    synchronized int checks() {
        return checks;
    }

    private void run() {
        long nextCheck = System.nanoTime() + CHECK_EVERY.toNanos();
        try {
            while (!Thread.currentThread().isInterrupted()) {
                readOnce();
                if (System.nanoTime() >= nextCheck) {
                    checkCommits();
                    nextCheck = System.nanoTime() + CHECK_EVERY.toNanos();
                }
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            failure = e;
        }
    }

    /** Throws what stopped the ledger's thread, if anything did: a soak must not wait on a reader that has died. */
    void requireReading() {
        if (failure != null) {
            throw new IllegalStateException("the soak's event reader failed: " + failure, failure);
        }
    }

    private void readOnce() {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
            read(record);
        }
    }

    /**
     * One check of the commits. It reads the group's committed offsets first, then every partition's high watermark:
     * the records of a transaction whose offsets are committed were all written before that commit, so they lie below
     * those marks. Reading {@code read_committed} up to the marks therefore sees everything the committed offsets
     * settled, whatever order the transaction's markers arrive in.
     */
    private void checkCommits() {
        Optional<Map<TopicPartition, OffsetAndMetadata>> committed =
                answer(admin.listConsumerGroupOffsets(SoakCluster.group()).partitionsToOffsetAndMetadata());
        if (committed.isEmpty()) {
            return;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        consumer.assignment().forEach(partition -> latest.put(partition, OffsetSpec.latest()));
        // Admin reads uncommitted by default: the high watermark, past any transaction still open
        Optional<Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo>> marks =
                answer(admin.listOffsets(latest).all());
        if (marks.isPresent() && readUpTo(marks.get())) {
            check(committed.get());
        }
    }

    /** The broker's answer, or empty when it has none within 10 s (an outage: that check is skipped). */
    private static <T> Optional<T> answer(KafkaFuture<T> future) {
        try {
            return Optional.of(future.get(10, TimeUnit.SECONDS));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        } catch (ExecutionException | TimeoutException e) {
            return Optional.empty();
        }
    }

    /** Reads until every partition's position reaches its mark; false when that takes longer than {@link #CATCH_UP}. */
    private boolean readUpTo(Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> marks) {
        long deadline = System.nanoTime() + CATCH_UP.toNanos();
        while (marks.entrySet().stream()
                .anyMatch(mark ->
                        consumer.position(mark.getKey()) < mark.getValue().offset())) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            readOnce();
        }
        return true;
    }

    private synchronized void check(Map<TopicPartition, OffsetAndMetadata> committed) {
        checks++;
        committed.forEach((partition, offset) -> {
            if (offset == null) {
                return;
            }
            if (partition.topic().equals(Topics.JOBS)) {
                sent.getOrDefault(partition, Map.of()).values().stream()
                        .filter(record -> record.offset() < offset.offset())
                        .filter(record -> !settledBeyond(record.jobId(), 1))
                        .forEach(record -> violations.add(record.jobId() + " at " + partition + "@" + record.offset()
                                + " was below the committed offset " + offset.offset() + " before it was settled"));
            } else if (partition.topic().startsWith(Topics.JOBS + "-retry-")) {
                redirected.getOrDefault(partition, Map.of()).values().stream()
                        .filter(record -> record.offset() < offset.offset())
                        .filter(record -> !settledBeyond(record.jobId(), record.attempt()))
                        .forEach(record -> violations.add(record.jobId() + " at " + partition + "@" + record.offset()
                                + " was below the committed offset " + offset.offset() + " before it was settled"));
            }
        });
    }

    /** Whether attempt {@code attempt} of {@code jobId} was settled: the job ended, or a later attempt was queued. */
    private boolean settledBeyond(String jobId, int attempt) {
        Trail trail = trails.get(jobId);
        return trail != null && (!trail.terminals.isEmpty() || trail.highestRedirectedAttempt > attempt);
    }

    private synchronized void read(ConsumerRecord<byte[], byte[]> record) {
        TopicPartition partition = new TopicPartition(record.topic(), record.partition());
        if (record.topic().equals(Topics.EVENTS)) {
            JobEventEnvelope envelope = JsonCodec.readEvent(record.value());
            Trail trail = trails.computeIfAbsent(envelope.subject(), id -> new Trail());
            JobEvent event = envelope.data();
            if (event instanceof JobEvent.Started) {
                trail.starts++;
            } else if (event instanceof JobEvent.Succeeded
                    || event instanceof JobEvent.Failed
                    || event instanceof JobEvent.Cancelled) {
                if (trail.terminals.isEmpty()) {
                    trail.firstTerminalReadAtNanos = System.nanoTime();
                }
                trail.terminals.add(envelope);
            }
            return;
        }
        String jobId = header(record, Headers.JOB_ID).orElse("?");
        int attempt = header(record, Headers.ATTEMPT).map(Integer::parseInt).orElse(1);
        var copy = new Redirected(
                jobId,
                partition,
                record.offset(),
                attempt,
                header(record, Headers.EXCEPTION_MESSAGE).orElse(""));
        redirected.computeIfAbsent(partition, p -> new HashMap<>()).put(record.offset(), copy);
        if (record.topic().equals(Topics.JOBS_DLT)) {
            deadLetterByOrigin.put(
                    header(record, Headers.ORIGINAL_TOPIC).orElse("?") + "/"
                            + header(record, Headers.ORIGINAL_PARTITION).orElse("?") + "/"
                            + header(record, Headers.ORIGINAL_OFFSET).orElse("?"),
                    copy);
        } else {
            Trail trail = trails.computeIfAbsent(jobId, id -> new Trail());
            trail.highestRedirectedAttempt = Math.max(trail.highestRedirectedAttempt, attempt);
        }
    }

    private static Optional<String> header(ConsumerRecord<byte[], byte[]> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null || header.value() == null
                ? Optional.empty()
                : Optional.of(new String(header.value(), StandardCharsets.UTF_8));
    }

    @Override
    public void close() throws InterruptedException {
        try {
            consumer.wakeup();
            thread.join(Duration.ofSeconds(30));
            // a consumer is used by one thread at a time: one still held by a stuck reader is left to the JVM's exit
            if (!thread.isAlive()) {
                consumer.close();
            }
        } finally {
            admin.close();
        }
    }
}
