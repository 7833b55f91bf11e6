package io.kiln.dispatcher.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.SeedSource;
import io.kiln.dispatcher.config.KafkaSettings;
import io.kiln.dispatcher.config.StatusSettings;
import io.kiln.dispatcher.config.TopicSettings;
import io.kiln.dispatcher.kafka.ClientProperties;
import io.kiln.dispatcher.status.StatusService;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.testing.KilnInfra;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A job write whose delivery timed out, so that Kafka may hold it: {@link JobIntake} with a producer the test fails
 * by hand, and a status store on the real broker, into which the test writes the job record that the failed write
 * may or may not have left.
 */
@KilnInfra
class JobIntakeIT {
    private static final Duration ACCEPT_TIMEOUT = Duration.ofSeconds(1);

    @TempDir
    Path stateDir;

    /** A clock the test moves by hand. */
    private static final class Hands extends Clock {
        volatile Instant now = Instant.now();

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private final MockProducer<String, byte[]> producer =
            new MockProducer<>(false, null, new StringSerializer(), new ByteArraySerializer());
    private final Hands clock = new Hands();
    private final String name = "intake-" + UUID.randomUUID().toString().substring(0, 8);
    private final TopicSettings topics =
            new TopicSettings(name + ".jobs", name + ".events", name + ".status", name + ".control");
    private KafkaEndpoint kafka;
    private Admin admin;
    private StatusService status;
    private JobIntake jobs;

    @BeforeEach
    void start(KafkaEndpoint kafka) throws Exception {
        this.kafka = kafka;
        var clients = new ClientProperties(new KafkaSettings(kafka.bootstrapServers(), ACCEPT_TIMEOUT, Map.of()), name);
        admin = Admin.create(clients.admin());
        admin.createTopics(
                        List.of(new NewTopic(topics.jobs(), 2, (short) 1), new NewTopic(topics.events(), 2, (short) 1)))
                .all()
                .get();
        status = StatusService.start(admin, topics, clients.streams(new StatusSettings(name, stateDir)));
        await().atMost(Duration.ofSeconds(60)).until(status::isRunning);
        jobs = new JobIntake(producer, topics.jobs(), ACCEPT_TIMEOUT, status, SeedSource.secureRandom(), clock);
    }

    @AfterEach
    void stop() {
        status.close();
        admin.close(Duration.ZERO);
    }

    @Test
    void aRetryOfAWriteInDoubtWaitsAndIsAcceptedOnceTheStatusShowsTheJobWithoutASecondWrite() throws Exception {
        var request =
                GenerationRequest.builder().jobId("doubt-1").prompt("a fox").build();
        assertThat(timedOut(request)).isEqualTo("doubt-1");

        // at once: the write may yet appear, so neither accepted nor written again
        assertThat(jobs.submit(request, "alpha")).isInstanceOfSatisfying(Submission.Unavailable.class, unavailable -> {
            assertThat(unavailable.jobId()).isEqualTo("doubt-1");
            assertThat(unavailable.reason()).contains("may still hold it");
        });
        assertThat(producer.history()).hasSize(1);

        // the broker had appended it after all: the status topic carries it to the store
        landOnTheJobTopic(producer.history().getFirst());
        await().atMost(Duration.ofSeconds(20))
                .until(() -> status.find("doubt-1").isPresent());

        assertThat(jobs.submit(request, "alpha"))
                .isInstanceOfSatisfying(Submission.Accepted.class, accepted -> assertThat(accepted.repeated())
                        .isTrue());
        assertThat(producer.history()).as("the job record was written once").hasSize(1);
    }

    @Test
    void aWriteInDoubtThatTheStatusNeverShowsIsWrittenAgainOnceTheHoldHasPassed() throws Exception {
        var request =
                GenerationRequest.builder().jobId("doubt-2").prompt("a fox").build();
        timedOut(request);

        clock.now = clock.now.plusSeconds(JobIntake.IN_DOUBT_SECONDS + 1);
        CompletableFuture<Submission> retry = async(() -> jobs.submit(request, "alpha"));
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 2);
        producer.completeNext();

        assertThat(retry.join())
                .isInstanceOfSatisfying(Submission.Accepted.class, accepted -> assertThat(accepted.repeated())
                        .isFalse());
    }

    @Test
    void aDifferentRequestForAJobIdInDoubtIsAConflict() throws Exception {
        timedOut(GenerationRequest.builder().jobId("doubt-3").prompt("a fox").build());

        var other =
                GenerationRequest.builder().jobId("doubt-3").prompt("a hare").build();
        assertThat(jobs.submit(other, "alpha")).isEqualTo(new Submission.Conflict("doubt-3"));
    }

    /** Submits {@code request} and times its delivery out; returns the job id the 503 says to retry with. */
    private String timedOut(GenerationRequest request) {
        CompletableFuture<Submission> first = async(() -> jobs.submit(request, "alpha"));
        await().atMost(Duration.ofSeconds(5)).until(() -> producer.history().size() == 1);
        producer.errorNext(new TimeoutException("Expiring 1 record(s): 1000 ms has passed since batch creation"));
        Submission answer = first.join();
        assertThat(answer).isInstanceOf(Submission.Unavailable.class);
        return ((Submission.Unavailable) answer).jobId();
    }

    private void landOnTheJobTopic(ProducerRecord<String, byte[]> record) throws Exception {
        try (var real = new KafkaProducer<String, byte[]>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            real.send(record).get();
        }
    }

    private static <T> CompletableFuture<T> async(Callable<T> call) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return call.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }
}
