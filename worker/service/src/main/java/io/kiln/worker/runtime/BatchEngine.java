package io.kiln.worker.runtime;

import io.kiln.contracts.ErrorCode;
import io.kiln.contracts.JobEvent;
import io.kiln.engine.pipeline.GenerationJob;
import io.kiln.engine.pipeline.JobResult;
import io.kiln.engine.pipeline.ProgressListener;
import io.kiln.engine.pipeline.StableDiffusionPipeline;
import io.kiln.engine.pipeline.StepBoundary;
import io.kiln.worker.control.Cancellations;
import io.kiln.worker.failure.FailureKind;
import io.kiln.worker.failure.JobFailure;
import io.kiln.worker.kafka.JobOutcome;
import io.kiln.worker.kafka.LiveEvents;
import io.kiln.worker.ops.WorkerMetrics;
import io.kiln.worker.output.ResultManifest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engine thread: runs one micro-batch at a time through the pipeline and hands each job's images to the
 * {@link OutputStage}, so that PNG encoding and uploads overlap the next batch's denoising.
 *
 * <p>Before a job starts it is checked, and settled without computing when it is cancelled, past its deadline, or
 * already done (its manifest is in S3: a redelivery after a crash); both the manifest and an img2img job's init image
 * were read while the job waited ({@link PriorRuns}, {@link InitImages}), so the engine thread reads nothing from S3.
 * A job whose own input is bad (an unreadable init image) fails alone; its batch-mates run. A job cancelled while its batch runs ends {@code cancelled} at the next
 * step, and its images are dropped when the batch ends; a batch whose jobs were all cancelled stops. A job whose
 * partition was given away meanwhile ({@link Tenure}) is dropped the same way, without an outcome: the partition's
 * next owner runs and settles it.
 */
final class BatchEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BatchEngine.class);

    /**
     * The name of the thread that runs the pipeline, which libtorch's OpenMP threads inherit: what an operator sees in a
     * thread dump or in {@code top -H}, and how {@code kiln bench worker} tells the pipeline's CPU time apart.
     */
    private static final String THREAD_NAME = "kiln-engine";

    private final StableDiffusionPipeline pipeline;
    private final WorkerIdentity identity;
    private final Cancellations cancellations;
    private final LiveEvents live;
    private final OutputStage output;
    private final Outcomes outcomes;
    private final WorkerMetrics metrics;
    private final Clock clock;
    private final ExecutorService thread = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().name(THREAD_NAME).factory());
    private final AtomicBoolean busy = new AtomicBoolean();
    private volatile boolean abandoning;

    /**
     * Where the engine tells what became of its jobs: their {@code started} and {@code progress} events, their images
     * to store, and the outcomes of jobs that end here.
     */
    record Reporting(LiveEvents live, OutputStage output, Outcomes outcomes) {}

    /**
     * @param identity the worker and model that jobs' events and PNGs name
     * @param cancellations checked before a job starts and between its steps
     */
    BatchEngine(
            StableDiffusionPipeline pipeline,
            WorkerIdentity identity,
            Cancellations cancellations,
            Reporting reporting,
            WorkerMetrics metrics,
            Clock clock) {
        this.pipeline = pipeline;
        this.identity = identity;
        this.cancellations = cancellations;
        this.live = reporting.live();
        this.output = reporting.output();
        this.outcomes = reporting.outcomes();
        this.metrics = metrics;
        this.clock = clock;
    }

    /** Whether the engine can take a batch now. */
    boolean isIdle() {
        return !busy.get();
    }

    /** Starts {@code batch} on the engine thread; the engine must be idle. */
    void submit(List<PendingJob> batch) {
        if (!busy.compareAndSet(false, true)) {
            throw new IllegalStateException("the engine is still running a batch");
        }
        thread.execute(() -> {
            try {
                run(batch);
            } catch (JobFailure fatal) {
                outcomes.fatal(fatal);
            } catch (RuntimeException | Error e) {
                outcomes.fatal(JobFailure.fatal("the engine failed outside any job: " + e, e));
            } finally {
                busy.set(false);
                outcomes.wake();
            }
        });
    }

    /** Stops the running batch at its next step, leaving its jobs unsettled for redelivery: shutdown ran out of time. */
    void abandon() {
        abandoning = true;
    }

    private void run(List<PendingJob> batch) {
        Instant start = clock.instant();
        List<Prepared> ready = new ArrayList<>();
        for (PendingJob job : batch) {
            prepare(job, start).ifPresent(ready::add);
        }
        if (ready.isEmpty()) {
            return;
        }
        for (Prepared p : ready) {
            live.started(
                    p.job.spec().jobId(),
                    identity.model(),
                    identity.worker(),
                    p.job.record().attempt());
            metrics.queueWait(Duration.between(p.job.record().timestamp(), start));
        }
        int images = ready.stream().mapToInt(p -> p.job.spec().images()).sum();
        List<Prepared> unsettled = new ArrayList<>(ready);
        Set<Prepared> cancelledEarly = new HashSet<>();
        try {
            for (var part : OutOfMemorySplit.run(ready, jobs -> generate(jobs, cancelledEarly))) {
                unsettled.removeAll(part.jobs());
                if (part.failed()) {
                    for (Prepared p : without(part.jobs(), cancelledEarly)) {
                        outcomes.report(new JobOutcome.Retry(
                                p.job.record(),
                                p.job.spec().jobId(),
                                JobFailure.retriable(
                                        ErrorCode.OUT_OF_MEMORY,
                                        "out of memory in a batch of " + images + " images, and again in half of it",
                                        part.outOfMemory())));
                    }
                    continue;
                }
                settle(part.jobs(), part.results(), images, cancelledEarly);
            }
        } catch (Abandoned e) {
            log.info("abandoned a batch of {} jobs at shutdown; they will be redelivered", ready.size());
        } catch (RuntimeException e) {
            if (e instanceof JobFailure failure && failure.kind() == FailureKind.FATAL) {
                throw failure;
            }
            unsettled.removeAll(cancelledEarly);
            log.error("a batch of {} jobs failed; each goes to its retry topic", unsettled.size(), e);
            for (Prepared p : unsettled) {
                outcomes.report(new JobOutcome.Retry(
                        p.job.record(),
                        p.job.spec().jobId(),
                        JobFailure.retriable(ErrorCode.INTERNAL, "the batch failed: " + e, e)));
            }
        }
    }

    /**
     * Checks a job before it starts; empty when it was settled without computing. A job already done stays done,
     * whatever was asked of it since: its manifest is checked first.
     */
    private Optional<Prepared> prepare(PendingJob job, Instant now) {
        JobSpec spec = job.spec();
        if (!job.tenure().held()) {
            return Optional.empty(); // the partition's next owner runs it
        }
        try {
            Optional<ResultManifest> done = priorResult(job);
            if (done.isPresent()) {
                return end(job, output.succeededFrom(done.get()));
            }
            Optional<String> cancelled = cancellations.reason(spec.jobId());
            if (cancelled.isPresent()) {
                return end(job, new JobEvent.Cancelled(cancelled.get()));
            }
            if (spec.deadline().filter(now::isAfter).isPresent()) {
                return end(
                        job,
                        new JobEvent.Failed(
                                ErrorCode.EXPIRED,
                                "deadline " + spec.deadline().get() + " passed before the job started at " + now,
                                false,
                                job.record().attempt()));
            }
            return Optional.of(
                    new Prepared(job, spec.toGenerationJob(readAhead(job.initImage(), "reading the init image"))));
        } catch (JobFailure failure) {
            switch (failure.kind()) {
                case TERMINAL ->
                    outcomes.report(new JobOutcome.Rejected(job.record(), Optional.of(spec.jobId()), failure));
                case RETRIABLE -> outcomes.report(new JobOutcome.Retry(job.record(), spec.jobId(), failure));
                case FATAL -> throw failure;
            }
            return Optional.empty();
        }
    }

    /**
     * The job's manifest if it was done before, waiting for the lookup that started when the job was taken; not one
     * stored for another request under the same job id.
     */
    private static Optional<ResultManifest> priorResult(PendingJob job) {
        Optional<ResultManifest> found = readAhead(job.priorResult(), "looking for the job's manifest");
        String request = job.record().requestSha256();
        if (found.isPresent() && !found.get().answers(request)) {
            log.warn(
                    "the stored result of job {} answers another request (a topic created again, or a job id used"
                            + " twice); computing {} anew",
                    job.spec().jobId(),
                    job.record().coordinates());
            return Optional.empty();
        }
        return found;
    }

    /** What was read for a job while it waited, once it is there; its failure is the job's. */
    private static <T> T readAhead(CompletableFuture<T> read, String what) {
        try {
            return read.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof JobFailure failure) {
                throw failure;
            }
            throw JobFailure.retriable(ErrorCode.INTERNAL, what + " failed: " + e.getCause(), e.getCause());
        }
    }

    /** Ends a job without computing it. */
    private Optional<Prepared> end(PendingJob job, JobEvent event) {
        outcomes.report(new JobOutcome.Ended(job.record(), job.spec().jobId(), event));
        return Optional.empty();
    }

    /**
     * Runs one part of the batch through the pipeline, timing its denoising and decoding. Jobs cancelled between its
     * steps are ended at once and added to {@code cancelledEarly}.
     */
    private List<Ran> generate(List<Prepared> part, Set<Prepared> cancelledEarly) {
        List<GenerationJob> jobs = part.stream().map(Prepared::generation).toList();
        Instant begin = clock.instant();
        var steps = new StepWatch(without(part, cancelledEarly), cancelledEarly, begin);
        Optional<List<JobResult>> generated = pipeline.generateUnlessStopped(jobs, steps, steps);
        if (generated.isEmpty()) {
            if (steps.abandoned()) {
                throw new Abandoned();
            }
            return part.stream().map(p -> Ran.STOPPED).toList();
        }
        List<JobResult> results = generated.get();
        Instant end = clock.instant();
        Instant denoised = steps.lastStepAt();
        List<Ran> ran = new ArrayList<>();
        var times = new BatchTimes(begin, Duration.between(begin, denoised), Duration.between(denoised, end));
        for (JobResult result : results) {
            ran.add(new Ran(result, times));
        }
        metrics.batchRan(jobs.stream().mapToInt(GenerationJob::numImages).sum(), times.denoise(), times.decode());
        return ran;
    }

    private void settle(List<Prepared> jobs, List<Ran> results, int batchImages, Set<Prepared> cancelledEarly) {
        List<OutputStage.Finished> finished = new ArrayList<>();
        for (int i = 0; i < jobs.size(); i++) {
            Prepared p = jobs.get(i);
            Ran ran = results.get(i);
            if (cancelledEarly.contains(p) || !p.job.tenure().held()) {
                continue;
            }
            if (ran == Ran.STOPPED || cancellations.isCancelled(p.job.spec().jobId())) {
                cancelled(p);
            } else {
                finished.add(new OutputStage.Finished(p.job, p.generation, ran.result, ran.times));
            }
        }
        if (!finished.isEmpty()) {
            output.store(finished, batchImages);
        }
    }

    private void cancelled(Prepared p) {
        String jobId = p.job.spec().jobId();
        live.forget(jobId);
        String reason = cancellations.reason(jobId).orElse("cancelled");
        outcomes.report(new JobOutcome.Ended(p.job.record(), jobId, new JobEvent.Cancelled(reason)));
    }

    private static List<Prepared> without(List<Prepared> jobs, Set<Prepared> settled) {
        return jobs.stream().filter(p -> !settled.contains(p)).toList();
    }

    /** Stops the running batch at its next step and waits for it: the model must outlive its last use. */
    @Override
    public void close() {
        abandoning = true;
        thread.shutdown();
        try {
            if (!thread.awaitTermination(1, TimeUnit.MINUTES)) {
                log.error("the engine thread did not stop within a minute");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** A job cleared to run, and what the pipeline runs for it. */
    private record Prepared(PendingJob job, GenerationJob generation) {}

    /** A job's result and its batch's times. */
    private record Ran(JobResult result, BatchTimes times) {
        /** The run stopped between steps because all its jobs were cancelled. */
        static final Ran STOPPED = new Ran(null, null);
    }

    /** Thrown when shutdown stopped the batch between two steps, having no time left for it. */
    private static final class Abandoned extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Abandoned() {
            super("the batch was abandoned at shutdown", null, false, false);
        }
    }

    /**
     * Watches the steps of one pipeline run. At each step boundary it times the step, ends each job cancelled since
     * the last one, and stops the run when shutdown abandoned it or all its jobs were cancelled; then it sends the
     * progress of the jobs still running.
     */
    private final class StepWatch implements StepBoundary, ProgressListener {
        /** The part's jobs not yet cancelled. */
        private final List<Prepared> running;

        private final Set<Prepared> cancelledEarly;
        private Instant lastStepAt;
        private boolean abandoned;

        StepWatch(List<Prepared> part, Set<Prepared> cancelledEarly, Instant begin) {
            this.running = new ArrayList<>(part);
            this.cancelledEarly = cancelledEarly;
            this.lastStepAt = begin;
        }

        Instant lastStepAt() {
            return lastStepAt;
        }

        /** Whether the run stopped because shutdown abandoned it. */
        boolean abandoned() {
            return abandoned;
        }

        @Override
        public boolean proceed(int done, int total) {
            Instant now = clock.instant();
            metrics.step(Duration.between(lastStepAt, now));
            lastStepAt = now;
            if (abandoning) {
                abandoned = true;
                return false;
            }
            endCancelled();
            return !running.isEmpty();
        }

        @Override
        public void stepDone(String jobId, int step, int total) {
            if (running.stream().anyMatch(p -> p.job.spec().jobId().equals(jobId))) {
                live.progress(jobId, step, total, lastStepAt);
            }
        }

        /**
         * Ends the jobs cancelled since the last step now, rather than when the whole batch is done, and drops those
         * whose partition was given away, which their next owner settles.
         */
        private void endCancelled() {
            for (var it = running.iterator(); it.hasNext(); ) {
                Prepared p = it.next();
                boolean givenAway = !p.job.tenure().held();
                if (givenAway || cancellations.isCancelled(p.job.spec().jobId())) {
                    it.remove();
                    cancelledEarly.add(p);
                    if (givenAway) {
                        live.forget(p.job.spec().jobId());
                    } else {
                        cancelled(p);
                    }
                }
            }
        }
    }
}
