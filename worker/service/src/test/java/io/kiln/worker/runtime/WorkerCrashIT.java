package io.kiln.worker.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.infra.local.KafkaEndpoint;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.local.process.child.ParentWatchdog;
import io.kiln.infra.testing.KilnInfra;
import io.kiln.worker.output.ResultManifest;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Workers that die with work in hand. A worker process killed with SIGKILL in the middle of a batch: another worker of
 * the group takes its partitions once its session expires and completes the jobs it left, each with a single
 * {@code succeeded}, while the jobs it had finished stay finished. A worker that stored a batch but died before
 * committing it: the next worker finds the manifests and settles those jobs without computing them again.
 */
@KilnInfra
class WorkerCrashIT {
    private static final Logger log = LoggerFactory.getLogger(WorkerCrashIT.class);
    private static final String A = "crash-a";
    private static final String B = "crash-b";
    /** Steps per job: enough that a batch of four is still denoising when the kill comes. */
    private static final int STEPS = 12;

    @Test
    void theOtherWorkerCompletesTheJobsOfAWorkerKilledMidBatchEachOnce(KafkaEndpoint kafka, S3Endpoint s3)
            throws Exception {
        try (var kit = new WorkerKit(kafka, s3)) {
            EventLog events = kit.events();
            Map<String, String> settings = Map.of("KILN_BATCH_MAX_IMAGES", "4");
            // three batches of four for worker A
            List<GenerationRequest> jobs = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                jobs.add(
                        WorkerKit.tinyJob("crash-" + i).numInferenceSteps(STEPS).build());
            }
            List<String> ids = jobs.stream().map(GenerationRequest::jobId).toList();

            Set<String> running;
            Instant killedAt;
            try (var workerA = CrashWorkerProcess.start(kit, A, settings)) {
                jobs.forEach(kit::submit);
                // A finished a batch and is denoising another: its jobs reported a step, and not the last one yet
                await().atMost(Duration.ofSeconds(90))
                        .pollInterval(Duration.ofMillis(50))
                        .until(() -> {
                            workerA.requireAlive();
                            return ids.stream()
                                            .anyMatch(id -> !events.terminal(id).isEmpty())
                                    && ids.stream().anyMatch(id -> denoisingOn(events, id, A));
                        });
                running = ids.stream()
                        .filter(id ->
                                startedOn(events, id, A) && events.terminal(id).isEmpty())
                        .collect(Collectors.toSet());
                killedAt = Instant.now();
                workerA.kill();
            }
            log.info("killed worker A mid-batch; jobs it was running: {}", running);

            Worker workerB = kit.startWorker(B, settings);
            events.awaitAllTerminal(ids, Duration.ofSeconds(90));

            ids.forEach(kit::assertSucceededOnceWithOneImage);

            // who settled what: B completed the jobs A had started and not finished, after A died; the jobs A had
            // finished were not taken up again
            Map<String, JobEventEnvelope> terminalOf = kit.eventEnvelopes().stream()
                    .filter(envelope -> EventLog.isTerminal(envelope.data()))
                    .collect(Collectors.toMap(JobEventEnvelope::subject, envelope -> envelope));
            Set<String> finishedByA = ids.stream()
                    .filter(id -> terminalOf.get(id).source().equals(source(A)))
                    .collect(Collectors.toSet());
            Set<String> takenOver = ids.stream()
                    .filter(id -> startedOn(events, id, A) && !finishedByA.contains(id))
                    .collect(Collectors.toSet());
            log.info(
                    "A finished {}; B took over {} and finished {} jobs in all",
                    finishedByA,
                    takenOver,
                    ids.size() - finishedByA.size());
            assertThat(takenOver).as("jobs A started and B finished").isNotEmpty();
            for (String id : takenOver) {
                assertThat(terminalOf.get(id).source()).as(id).isEqualTo(source(B));
                assertThat(terminalOf.get(id).time()).as(id).isAfter(killedAt);
                // B ran the job again, unless A had stored it all before dying: then B settled it from A's manifest
                String ranBy = manifest(kit, id).worker();
                assertThat(ranBy).as("%s ran on", id).isIn(A, B);
                assertThat(startedOn(events, id, B)).as("%s started on B", id).isEqualTo(ranBy.equals(B));
            }
            assertThat(finishedByA).as("jobs A finished").isNotEmpty();
            for (String id : finishedByA) {
                assertThat(startedOn(events, id, B))
                        .as("%s, finished by A, started on B", id)
                        .isFalse();
                assertThat(manifest(kit, id).worker()).as("%s ran on", id).isEqualTo(A);
            }

            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(kit.uncommitted()).isEmpty());
            assertThat(kit.deadLetters()).isEmpty();
            assertThat(WorkerKit.metric(workerB.httpPort(), "kiln_jobs_succeeded_total"))
                    .isEqualTo(ids.size() - finishedByA.size());
        }
    }

    @Test
    void aBatchStoredButNeverCommittedIsSettledFromItsManifestsWithoutComputingAgain(KafkaEndpoint kafka, S3Endpoint s3)
            throws Exception {
        try (var kit = new WorkerKit(kafka, s3)) {
            EventLog events = kit.events();
            Map<String, String> settings = Map.of("KILN_BATCH_MAX_IMAGES", "4");
            List<String> ids = List.of("stored-0", "stored-1", "stored-2", "stored-3");
            // submitted before A starts, so that A takes them in one poll and runs them as one batch
            ids.forEach(id ->
                    kit.submit(WorkerKit.tinyJob(id).numInferenceSteps(STEPS).build()));
            Worker workerA = kit.startWorker(A, settings);
            await().atMost(Duration.ofSeconds(60)).until(() -> ids.stream().allMatch(id -> startedOn(events, id, A)));

            // while A denoises, a new instance of it fences its producer: A stores the batch, then cannot commit
            // it and stops, as if it had died between its uploads and its commit
            kit.fence(A);
            await().atMost(Duration.ofSeconds(60))
                    .until(() -> workerA.fatalFailure().isPresent());
            workerA.awaitTermination();
            // the first outcome failed to publish; the batch's other uploads finish on A's output threads
            await().atMost(Duration.ofSeconds(30)).until(() -> ids.stream()
                    .allMatch(id -> kit.objectKeys("out/" + id + "/").contains("out/" + id + "/result.json")));
            for (String id : ids) {
                assertThat(manifest(kit, id).worker()).as(id).isEqualTo(A);
                assertThat(events.terminal(id)).as(id).isEmpty();
            }

            Worker workerB = kit.startWorker(B, settings);
            events.awaitAllTerminal(ids, Duration.ofSeconds(60));

            Map<String, JobEventEnvelope> terminalOf = kit.eventEnvelopes().stream()
                    .filter(envelope -> EventLog.isTerminal(envelope.data()))
                    .collect(Collectors.toMap(JobEventEnvelope::subject, envelope -> envelope));
            for (String id : ids) {
                assertThat(events.terminal(id)).as(id).singleElement().isInstanceOf(JobEvent.Succeeded.class);
                assertThat(terminalOf.get(id).source()).as(id).isEqualTo(source(B));
                assertThat(startedOn(events, id, B)).as("%s started on B", id).isFalse();
                var image = ((JobEvent.Succeeded) terminalOf.get(id).data())
                        .images()
                        .getFirst();
                assertThat(image.sha256())
                        .isEqualTo(manifest(kit, id).images().getFirst().sha256());
                assertThat(kit.object(image.uri().key())).hasSize((int) image.sizeBytes());
            }
            await().atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(kit.uncommitted()).isEmpty());
            assertThat(WorkerKit.metric(workerB.httpPort(), "kiln_batch_size_images_count"))
                    .as("batches B ran")
                    .isZero();
            assertThat(WorkerKit.metric(workerB.httpPort(), "kiln_manifest_lookups_total"))
                    .as("manifests B looked for")
                    .isEqualTo(ids.size());
        }
    }

    private static ResultManifest manifest(WorkerKit kit, String id) {
        return ResultManifest.fromJson(kit.object("out/" + id + "/result.json"));
    }

    /** Whether job {@code id} is being denoised on {@code worker}: it reported a step, not yet the last one. */
    private static boolean denoisingOn(EventLog events, String id, String worker) {
        List<JobEvent> seen = events.of(id);
        return startedOn(events, id, worker)
                && seen.stream().anyMatch(JobEvent.Progress.class::isInstance)
                && seen.stream()
                        .noneMatch(event -> EventLog.isTerminal(event)
                                || (event instanceof JobEvent.Progress progress
                                        && progress.step() == progress.total()));
    }

    private static boolean startedOn(EventLog events, String id, String worker) {
        return events.of(id).stream()
                .anyMatch(event -> event instanceof JobEvent.Started started
                        && started.worker().equals(worker));
    }

    private static URI source(String worker) {
        return URI.create("/kiln/workers/" + worker);
    }

    /** A worker in a child JVM of its own, so that it can be killed with SIGKILL. */
    static final class CrashWorkerProcess implements AutoCloseable {
        private final Process process;
        private final Path log;

        private CrashWorkerProcess(Process process, Path log) {
            this.process = process;
            this.log = log;
        }

        /** Starts {@code java io.kiln.worker.runtime.WorkerMain --config FILE} with the kit's settings. */
        static CrashWorkerProcess start(WorkerKit kit, String workerId, Map<String, String> overrides)
                throws IOException {
            Path folder = Files.createDirectories(Path.of("target", "crash-workers", kit.group()));
            Path config = kit.writeProperties(folder.resolve(workerId + ".properties"), workerId, overrides);
            Path log = folder.resolve(workerId + ".log");
            var builder = new ProcessBuilder(
                            Path.of(System.getProperty("java.home"), "bin", "java")
                                    .toString(),
                            "-cp",
                            System.getProperty("java.class.path"),
                            "-Xmx1g",
                            "--enable-native-access=ALL-UNNAMED",
                            "-Dai.djl.offline=true",
                            // halts the worker if this JVM dies first: its stdin, a pipe from us, then ends
                            ParentWatchdog.class.getName(),
                            WorkerMain.class.getName(),
                            "--config",
                            config.toString())
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // the file alone configures the child: no KILN_* variable of this JVM's environment leaks in
            builder.environment().keySet().removeIf(name -> name.startsWith("KILN_"));
            Process process = builder.start();
            WorkerCrashIT.log.info(
                    "started worker {} as pid {}, log {}", workerId, process.pid(), log.toAbsolutePath());
            return new CrashWorkerProcess(process, log);
        }

        /** Fails, with the end of the worker's log, when the worker has exited. */
        void requireAlive() throws IOException {
            if (!process.isAlive()) {
                throw new AssertionError(
                        "worker process exited with " + process.exitValue() + "; log " + log + ":\n" + tail());
            }
        }

        /** SIGKILL: no shutdown hook runs, nothing is flushed, the group is not told. */
        void kill() throws InterruptedException {
            process.destroyForcibly();
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                throw new AssertionError("worker process " + process.pid() + " survived SIGKILL");
            }
        }

        /** SIGTERM, as Kubernetes stops a pod: returns the exit code once the worker has stopped by itself. */
        int terminate(Duration patience) throws InterruptedException {
            // through the handle: Process.destroy() would also close the child's stdin, which the watchdog takes
            // for its parent's death
            process.toHandle().destroy();
            if (!process.waitFor(patience.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError(
                        "worker process " + process.pid() + " still runs " + patience + " after SIGTERM");
            }
            return process.exitValue();
        }

        private String tail() throws IOException {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        }

        /** Kills the worker if it still runs, whatever became of the test. */
        @Override
        public void close() {
            if (process.isAlive()) {
                try {
                    kill();
                } catch (InterruptedException e) {
                    process.destroyForcibly();
                    Thread.currentThread().interrupt();
                }
            }
        }
    }
}
