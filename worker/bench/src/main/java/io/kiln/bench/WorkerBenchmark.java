package io.kiln.bench;

import io.kiln.clients.S3ClientFactory;
import io.kiln.clients.S3Settings;
import io.kiln.contracts.GenerationRequest;
import io.kiln.worker.config.BatchingSettings;
import io.kiln.worker.config.HttpSettings;
import io.kiln.worker.config.KafkaSettings;
import io.kiln.worker.config.ModelSettings;
import io.kiln.worker.config.RetrySettings;
import io.kiln.worker.config.ShutdownSettings;
import io.kiln.worker.config.StorageSettings;
import io.kiln.worker.config.TopicSettings;
import io.kiln.worker.config.WorkerConfig;
import io.kiln.worker.runtime.Worker;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * What a worker adds to the pipeline: jobs per second end to end through one real {@link Worker} (request on Kafka,
 * micro-batch, PNGs and manifest to S3, terminal event read back with {@code read_committed}) against the bare
 * pipeline's speed on the very batches the worker formed, measured side by side in one process.
 *
 * <p>Each round submits its jobs at once and times from the first submit to the last terminal event read; then the
 * same jobs run through a bare {@link StableDiffusionPipeline} of the same model, cut into the batch sizes the worker
 * reported ({@code batch_size} of the {@code succeeded} events), and their images are PNG-encoded, timed apart. The
 * difference per job is what Kafka, S3 and the worker's own machinery cost. Rounds alternate worker and bare runs, so
 * that the drift of a busy machine hits both alike.
 *
 * <p>The servers are the caller's: any Kafka broker and S3 store. The run uses topics, a group and a bucket of its
 * own, named {@code kiln-bench-<random>}, and leaves them behind.
 */
public final class WorkerBenchmark {
    /**
     * The worker's engine thread, as a thread dump shows it (docs/ARCHITECTURE.md, "The worker"). Should the worker
     * rename it, the CPU column reads no thread and WorkerBenchCommandIT fails.
     */
    private static final String WORKER_ENGINE_THREAD = "kiln-engine";

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(15);
    /**
     * Warm-up jobs the bare pipeline runs too, at least: the warm-up's first rounds. It runs the same Java code as the
     * worker's pipeline, which the worker's warm-up compiles, so these need only settle its own model's native memory.
     */
    private static final int BARE_WARM_UP_JOBS = 200;

    /** Warm-up jobs between two progress lines: a warm-up long enough for C2 takes half an hour here. */
    private static final int WARM_UP_REPORT_EVERY = 1_000;

    /**
     * The most CPU steal, in percent, a round may see in either run and still count. On this kind of VM steal comes in
     * bursts of 10–35 %, which move a run's time by far more than the few milliseconds per job being measured.
     */
    public static final int MAX_STEAL_PERCENT = 5;

    private static final double MAX_STEAL = MAX_STEAL_PERCENT / 100.0;

    private static final String DENOISE_SUM = "kiln_batch_denoise_seconds_sum";
    private static final String DECODE_SUM = "kiln_batch_decode_seconds_sum";
    private static final String STORAGE_RETRIES = "kiln_storage_retries_total";
    private static final String BROKER_RETRIES = "kiln_broker_retries_total";

    private final Options options;

    public WorkerBenchmark(Options options) {
        this.options = options;
    }

    /**
     * What to run.
     *
     * @param bootstrapServers the Kafka broker
     * @param s3 the S3 store
     * @param model the model the worker serves, a diffusers folder
     * @param jobs one-image jobs per timed round
     * @param warmUpJobs jobs run through the worker before the first round, in untimed rounds of {@code jobs}; the bare
     *     pipeline runs the first of them too
     * @param rounds timed rounds, each a worker run and a bare run of its batches
     * @param size image side in pixels
     * @param steps DDIM steps per image
     * @param batching the worker's batching; the figures use the defaults, 8 images and 200 ms
     */
    public record Options(
            String bootstrapServers,
            S3Settings s3,
            Path model,
            int jobs,
            int warmUpJobs,
            int rounds,
            int size,
            int steps,
            BatchingSettings batching) {

        public Options {
            if (bootstrapServers == null || bootstrapServers.isBlank()) {
                throw new IllegalArgumentException("bootstrapServers: must not be blank");
            }
            if (s3 == null || model == null || batching == null) {
                throw new IllegalArgumentException("s3, model and batching: must not be null");
            }
            if (jobs < 1 || warmUpJobs < 0 || rounds < 1) {
                throw new IllegalArgumentException("jobs and rounds must be ≥ 1 and warmUpJobs ≥ 0, were " + jobs + ", "
                        + rounds + " and " + warmUpJobs);
            }
            if (size < 64 || size % 8 != 0) {
                throw new IllegalArgumentException("size: must be a multiple of 8 of at least 64, was " + size);
            }
            if (steps < 1) {
                throw new IllegalArgumentException("steps: must be ≥ 1, was " + steps);
            }
        }
    }

    /**
     * One round's figures.
     *
     * @param batches how many batches of each size (images) the worker formed, by size
     * @param endToEnd from the first submit to the last terminal event read
     * @param bare the bare pipeline's {@code generate} calls on the same batches, summed
     * @param png PNG encoding of every image of the bare run, one after another
     * @param workerPipeline the worker's own pipeline time in the round, denoising and decoding as its
     *     {@code kiln_batch_denoise} and {@code kiln_batch_decode} metrics count them: comparable with {@code bare}
     * @param retries S3 and Kafka calls the worker retried during the round; any distorts the figures
     * @param workerCompiling the time this JVM's JIT compilers spent during the worker's run: code that runs once per
     *     job takes thousands of jobs to be compiled, and until it is, the compilers take CPU from the pipeline
     * @param bareCompiling the same during the bare run
     * @param workerSteal the share of CPU time the hypervisor gave to other guests during the worker's run, 0 to 1
     *     (NaN where unknown): the runs compare only when both shares are low
     * @param bareSteal the same during the bare run
     * @param workerOtherCpuMillis the CPU time the machine spent outside the pipeline's threads during the worker's
     *     run, in milliseconds (NaN where unknown): every other thread of every process, the servers' included
     * @param bareOtherCpuMillis the same during the bare run
     */
    public record Round(
            int number,
            int jobs,
            SortedMap<Integer, Integer> batches,
            Duration endToEnd,
            Duration bare,
            Duration png,
            Duration workerPipeline,
            long retries,
            Duration workerCompiling,
            Duration bareCompiling,
            double workerSteal,
            double bareSteal,
            double workerOtherCpuMillis,
            double bareOtherCpuMillis) {

        public double endToEndJobsPerSecond() {
            return perSecond(jobs, endToEnd);
        }

        public double bareJobsPerSecond() {
            return perSecond(jobs, bare);
        }

        /** End-to-end jobs per second over the bare pipeline's: 1 when Kafka and S3 cost nothing. */
        public double ratio() {
            return endToEndJobsPerSecond() / bareJobsPerSecond();
        }

        /** What each job took end to end beyond its share of the bare pipeline's time. */
        public Duration overheadPerJob() {
            return endToEnd.minus(bare).dividedBy(jobs);
        }

        /**
         * The part of {@link #overheadPerJob} spent outside the worker's pipeline: waiting for records, S3 and Kafka on
         * the engine's path, and the last batch's output. Measured at the same moment as end to end, so the machine's
         * drift between the worker's run and the bare one does not enter it.
         */
        public Duration outsidePipelinePerJob() {
            return endToEnd.minus(workerPipeline).dividedBy(jobs);
        }

        /**
         * The rest of {@link #overheadPerJob}: how much slower the pipeline ran inside the worker than bare, from
         * the cores it shares with the output stage, Kafka and S3, and from the machine's drift.
         */
        public Duration slowerPipelinePerJob() {
            return workerPipeline.minus(bare).dividedBy(jobs);
        }

        /**
         * The CPU time per job spent outside the pipeline's threads beyond the bare run's, in milliseconds: the output
         * stage (PNG included), the Kafka and S3 clients, the JIT, and the broker and the S3 server where they share
         * the machine. Libtorch's spinning at its barriers while another thread holds a core stays in the pipeline's
         * threads, so this is CPU the infrastructure used, not time it cost.
         */
        public double addedCpuPerJobMillis() {
            return (workerOtherCpuMillis - bareOtherCpuMillis) / jobs;
        }

        public Duration pngPerImage() {
            return png.dividedBy(jobs);
        }

        /** Whether neither run lost more than {@link #MAX_STEAL_PERCENT} % of the CPU to other guests (unknown counts as no). */
        public boolean isCalm() {
            return !(workerSteal > MAX_STEAL) && !(bareSteal > MAX_STEAL);
        }

        public Duration workerCompilingPerJob() {
            return workerCompiling.dividedBy(jobs);
        }

        public Duration bareCompilingPerJob() {
            return bareCompiling.dividedBy(jobs);
        }

        public String describeBatches() {
            return describe(batches);
        }
    }

    /**
     * Every round, and their medians over the {@link #compared} ones.
     *
     * @param rounds every round, in order
     */
    public record Result(List<Round> rounds) {
        public Result {
            rounds = List.copyOf(rounds);
        }

        /**
         * The rounds the medians are taken over: those in which the hypervisor stole at most {@link #MAX_STEAL_PERCENT} % of the
         * CPU in both runs, or every round when none qualifies. A round where one run lost a fifth of its CPU to other
         * guests compares the neighbours, not the worker; steal lands on the worker's runs as often as on the bare
         * ones, so leaving such rounds out tilts the median neither way.
         */
        public List<Round> compared() {
            List<Round> calm = rounds.stream().filter(Round::isCalm).toList();
            return calm.isEmpty() ? rounds : calm;
        }

        public double medianEndToEndJobsPerSecond() {
            return median(compared().stream().map(Round::endToEndJobsPerSecond).toList());
        }

        public double medianBareJobsPerSecond() {
            return median(compared().stream().map(Round::bareJobsPerSecond).toList());
        }

        public double medianRatio() {
            return median(compared().stream().map(Round::ratio).toList());
        }

        public Duration medianOverheadPerJob() {
            return UNetBenchmark.median(
                    compared().stream().map(Round::overheadPerJob).toList());
        }

        public Duration medianOutsidePipelinePerJob() {
            return UNetBenchmark.median(
                    compared().stream().map(Round::outsidePipelinePerJob).toList());
        }

        public Duration medianSlowerPipelinePerJob() {
            return UNetBenchmark.median(
                    compared().stream().map(Round::slowerPipelinePerJob).toList());
        }

        /** The median of {@link Round#addedCpuPerJobMillis}, NaN where the machine's CPU time is unknown. */
        public double medianAddedCpuPerJobMillis() {
            List<Double> known = compared().stream()
                    .map(Round::addedCpuPerJobMillis)
                    .filter(cpu -> !cpu.isNaN())
                    .toList();
            return known.isEmpty() ? Double.NaN : median(known);
        }
    }

    /**
     * Starts a worker, warms it and the bare pipeline up, runs the rounds, and stops the worker.
     *
     * @param report told one line per phase and round, as it happens
     * @throws IllegalStateException when a job does not succeed or a round does not finish in time
     */
    public Result run(Consumer<String> report) throws IOException, InterruptedException {
        String name = "kiln-bench-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
        try (S3Client s3 = S3ClientFactory.createClient(options.s3())) {
            s3.createBucket(request -> request.bucket(name));
        }
        WorkerConfig config = config(name);
        report.accept("starting worker " + config.workerId() + " (topics " + name + ".*, bucket " + name + ")");
        try (var bare = new BarePipeline(options.model(), config.model().name());
                Worker worker = Worker.start(config);
                var submitter = new JobSubmitter(
                        options.bootstrapServers(), config.topics().jobs());
                var metrics = new MetricsScraper(worker.httpPort())) {
            awaitReady(worker);
            var events = new TerminalEventReader(
                    options.bootstrapServers(), config.topics().events());
            try (events) {
                var jobs = new RoundRequests(config.model().name(), options.size(), options.steps());
                warmUp(jobs, submitter, events, bare, report);
                List<Round> rounds = new ArrayList<>();
                for (int r = 1; r <= options.rounds(); r++) {
                    Round round = round(r, jobs, submitter, events, bare, metrics);
                    report.accept(String.format(
                            Locale.ROOT,
                            "round %d: %d jobs, batches %s; end to end %d ms (%.1f jobs/s), bare pipeline %d ms"
                                    + " (%.1f jobs/s), overhead %.2f ms per job (%.2f ms outside the worker's pipeline)",
                            r,
                            round.jobs(),
                            round.describeBatches(),
                            round.endToEnd().toMillis(),
                            round.endToEndJobsPerSecond(),
                            round.bare().toMillis(),
                            round.bareJobsPerSecond(),
                            millis(round.overheadPerJob()),
                            millis(round.outsidePipelinePerJob())));
                    rounds.add(round);
                }
                return new Result(rounds);
            }
        }
    }

    /**
     * Runs the warm-up jobs through the worker in untimed rounds of {@code jobs}, so that each part ends well within
     * {@link #ROUND_TIMEOUT} however long the warm-up; the bare pipeline runs the first of them too.
     */
    private void warmUp(
            RoundRequests jobs,
            JobSubmitter submitter,
            TerminalEventReader events,
            BarePipeline bare,
            Consumer<String> report)
            throws InterruptedException {
        int done = 0;
        for (int part = 1; done < options.warmUpJobs(); part++) {
            List<GenerationRequest> requests =
                    jobs.round("warm-up-" + part, Math.min(options.jobs(), options.warmUpJobs() - done));
            submitter.submit(requests);
            var batches = batchesFormed(events.await(requests, ROUND_TIMEOUT).batchSizes());
            if (done < BARE_WARM_UP_JOBS) {
                bare.run(requests, batches);
            }
            int before = done;
            done += requests.size();
            if (done == options.warmUpJobs() || done / WARM_UP_REPORT_EVERY > before / WARM_UP_REPORT_EVERY) {
                report.accept("warm-up: " + done + " of " + options.warmUpJobs() + " jobs, last batches "
                        + describe(batches));
            }
        }
    }

    private Round round(
            int number,
            RoundRequests jobs,
            JobSubmitter submitter,
            TerminalEventReader events,
            BarePipeline bare,
            MetricsScraper metrics)
            throws IOException, InterruptedException {
        List<GenerationRequest> requests = jobs.round("r" + number, options.jobs());
        Map<String, Double> before = metrics.scrape();
        CpuReading workerStart = CpuReading.now(WORKER_ENGINE_THREAD);
        Duration compiledBefore = compilingSoFar();
        long start = System.nanoTime();
        submitter.submit(requests);
        TerminalEventReader.Terminals done = events.await(requests, ROUND_TIMEOUT);
        Duration endToEnd = Duration.ofNanos(done.lastReadAtNanos() - start);
        // before the scrape: a Prometheus server would scrape every 15 s or so, not once per round
        CpuReading workerEnd = CpuReading.now(WORKER_ENGINE_THREAD);
        Map<String, Double> after = metrics.scrape();

        SortedMap<Integer, Integer> batches = batchesFormed(done.batchSizes());
        CpuReading bareStart = CpuReading.now(BarePipeline.THREAD);
        Duration compiledBeforeBare = compilingSoFar();
        BarePipeline.Times times = bare.run(requests, batches);
        CpuReading bareEnd = CpuReading.now(BarePipeline.THREAD);
        Duration compiledAfterBare = compilingSoFar();
        Duration workerPipeline = seconds(delta(before, after, DENOISE_SUM) + delta(before, after, DECODE_SUM));
        long retries = Math.round(delta(before, after, STORAGE_RETRIES) + delta(before, after, BROKER_RETRIES));
        return new Round(
                number,
                requests.size(),
                batches,
                endToEnd,
                times.generate(),
                times.png(),
                workerPipeline,
                retries,
                compiledBeforeBare.minus(compiledBefore),
                compiledAfterBare.minus(compiledBeforeBare),
                workerEnd.stealSince(workerStart),
                bareEnd.stealSince(bareStart),
                workerEnd.otherMillisSince(workerStart),
                bareEnd.otherMillisSince(bareStart));
    }

    /** The JIT compilers' time since this JVM started, summed over their threads. */
    private static Duration compilingSoFar() {
        return Duration.ofMillis(ManagementFactory.getCompilationMXBean().getTotalCompilationTime());
    }

    /**
     * The batches behind the {@code batch_size} of each one-image job: a batch of B images gave B jobs that size.
     *
     * @return how many batches of each size, by size
     */
    static SortedMap<Integer, Integer> batchesFormed(Collection<Integer> jobBatchSizes) {
        Map<Integer, Integer> jobsBySize = new HashMap<>();
        jobBatchSizes.forEach(size -> jobsBySize.merge(size, 1, Integer::sum));
        SortedMap<Integer, Integer> batches = new TreeMap<>(Comparator.reverseOrder());
        // a count that is no multiple of its size means a batch partly settled otherwise (cancelled, split); round up
        jobsBySize.forEach((size, count) -> batches.put(size, (count + size - 1) / size));
        return batches;
    }

    /** {@code 8×24 + 5×1}: count of each batch size, largest first. */
    static String describe(SortedMap<Integer, Integer> batches) {
        List<String> parts = new ArrayList<>();
        batches.forEach((size, count) -> parts.add(size + "×" + count));
        return String.join(" + ", parts);
    }

    private WorkerConfig config(String name) {
        String modelName = Optional.ofNullable(options.model().getFileName())
                .map(Path::toString)
                .orElse("model");
        return new WorkerConfig(
                name,
                new KafkaSettings(options.bootstrapServers(), name, Optional.empty(), Map.of()),
                new TopicSettings(name + ".jobs", name + ".events", name + ".jobs.DLT", name + ".control"),
                new StorageSettings(options.s3(), name, "bench", StorageSettings.DEFAULT_URL_EXPIRY),
                new ModelSettings(
                        options.model().toAbsolutePath().normalize(),
                        modelName,
                        ModelSettings.DEFAULT_DEVICE,
                        ModelSettings.DEFAULT_DTYPE),
                options.batching(),
                RetrySettings.defaults(),
                new ShutdownSettings(Duration.ofSeconds(10)),
                new HttpSettings("127.0.0.1", 0));
    }

    private static void awaitReady(Worker worker) throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (!worker.unmetReadiness().isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(
                        "the worker was not ready within " + READY_TIMEOUT + ": " + worker.unmetReadiness());
            }
            Thread.sleep(50);
        }
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String metric) {
        return after.getOrDefault(metric, 0.0) - before.getOrDefault(metric, 0.0);
    }

    private static Duration seconds(double seconds) {
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }

    private static double perSecond(int count, Duration time) {
        return count / (time.toNanos() / 1e9);
    }

    private static double median(List<Double> values) {
        List<Double> sorted = values.stream().sorted().toList();
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
