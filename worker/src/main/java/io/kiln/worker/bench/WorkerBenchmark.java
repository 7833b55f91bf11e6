package io.kiln.worker.bench;

import io.kiln.clients.S3ClientFactory;
import io.kiln.clients.S3Settings;
import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.Headers;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.contracts.JsonCodec;
import io.kiln.worker.config.BatchingSettings;
import io.kiln.worker.config.HttpSettings;
import io.kiln.worker.config.KafkaSettings;
import io.kiln.worker.config.ModelSettings;
import io.kiln.worker.config.RetrySettings;
import io.kiln.worker.config.ShutdownSettings;
import io.kiln.worker.config.StorageSettings;
import io.kiln.worker.config.TopicSettings;
import io.kiln.worker.config.WorkerConfig;
import io.kiln.worker.image.GenerationParameters;
import io.kiln.worker.image.ModelHash;
import io.kiln.worker.image.PngWriter;
import io.kiln.worker.kafka.WholeTopic;
import io.kiln.worker.model.ModelLoader;
import io.kiln.worker.model.ModelOptions;
import io.kiln.worker.model.StableDiffusionModel;
import io.kiln.worker.pipeline.GeneratedImage;
import io.kiln.worker.pipeline.GenerationJob;
import io.kiln.worker.pipeline.JobResult;
import io.kiln.worker.pipeline.SeededNoise;
import io.kiln.worker.pipeline.StableDiffusionPipeline;
import io.kiln.worker.runtime.Worker;
import io.kiln.worker.sampling.Sampler;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
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
import java.util.OptionalLong;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
    private static final Duration READY_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration ROUND_TIMEOUT = Duration.ofMinutes(15);
    /**
     * Warm-up jobs the bare pipeline runs itself. It runs the same Java code as the worker's pipeline, which the
     * worker's warm-up compiles, so these need only settle its own model's native memory.
     */
    private static final int BARE_WARM_UP_JOBS = 200;

    /**
     * The most CPU steal, in percent, a round may see in either run and still count. On this kind of VM steal comes in
     * bursts of 10–35 %, which move a run's time by far more than the 5 ms per job being measured.
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
     * @param warmUpJobs jobs run through the worker before the first round, untimed; the bare pipeline runs the first
     *     of them too
     * @param rounds timed rounds, each a worker run and a bare run of its batches
     * @param size image side in pixels
     * @param steps DDIM steps per image
     * @param batching the worker's batching; the issue's figures use the defaults, 8 images and 200 ms
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
                var submitter = new Submitter(
                        options.bootstrapServers(), config.topics().jobs());
                var metrics = new Metrics(worker.httpPort())) {
            awaitReady(worker);
            var events =
                    new EventReader(options.bootstrapServers(), config.topics().events());
            try (events) {
                var jobs = new JobFactory(config.model().name(), options.size(), options.steps());
                if (options.warmUpJobs() > 0) {
                    List<GenerationRequest> warmUp = jobs.round("warm-up", options.warmUpJobs());
                    submitter.submit(warmUp);
                    var batches =
                            batchesFormed(events.await(warmUp, ROUND_TIMEOUT).batchSizes());
                    bare.run(warmUp.subList(0, Math.min(warmUp.size(), BARE_WARM_UP_JOBS)), batches);
                    report.accept("warm-up: " + warmUp.size() + " jobs, batches " + describe(batches));
                }
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

    private Round round(
            int number, JobFactory jobs, Submitter submitter, EventReader events, BarePipeline bare, Metrics metrics)
            throws IOException, InterruptedException {
        List<GenerationRequest> requests = jobs.round("r" + number, options.jobs());
        Map<String, Double> before = metrics.scrape();
        CpuReading workerStart = CpuReading.now(Worker.ENGINE_THREAD);
        Duration compiledBefore = compilingSoFar();
        long start = System.nanoTime();
        submitter.submit(requests);
        Terminals done = events.await(requests, ROUND_TIMEOUT);
        Duration endToEnd = Duration.ofNanos(done.lastReadAtNanos() - start);
        // before the scrape: a Prometheus server would scrape every 15 s or so, not once per round
        CpuReading workerEnd = CpuReading.now(Worker.ENGINE_THREAD);
        Map<String, Double> after = metrics.scrape();

        SortedMap<Integer, Integer> batches = batchesFormed(done.batchSizes());
        CpuReading bareStart = CpuReading.now(BarePipeline.THREAD);
        Duration compiledBeforeBare = compilingSoFar();
        BareTimes times = bare.run(requests, batches);
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
     * The machine's CPU times and those of a pipeline's threads at one moment; empty where Linux's {@code /proc} is
     * not.
     */
    private record CpuReading(Optional<CpuTimes> machine, OptionalLong pipelineTicks) {
        static CpuReading now(String pipelineThread) {
            return new CpuReading(CpuTimes.now(), ThreadTicks.named(pipelineThread));
        }

        double stealSince(CpuReading earlier) {
            return machine.isPresent() && earlier.machine.isPresent()
                    ? machine.get().stealSince(earlier.machine.get())
                    : Double.NaN;
        }

        /** Milliseconds the machine was busy since {@code earlier} outside the pipeline's threads. */
        double otherMillisSince(CpuReading earlier) {
            if (machine.isEmpty()
                    || earlier.machine.isEmpty()
                    || pipelineTicks.isEmpty()
                    || earlier.pipelineTicks.isEmpty()) {
                return Double.NaN;
            }
            return machine.get().busyMillisSince(earlier.machine.get())
                    - CpuTimes.millis(pipelineTicks.getAsLong() - earlier.pipelineTicks.getAsLong());
        }
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

    /** The requests of a round: one image each, own prompt, seed and guidance, one compatibility key. */
    private record JobFactory(String model, int size, int steps) {
        List<GenerationRequest> round(String label, int count) {
            return IntStream.range(0, count)
                    .mapToObj(i -> GenerationRequest.builder()
                            .jobId(String.format(Locale.ROOT, "bench-%s-%04d", label, i))
                            .model(model)
                            .prompt("a photograph of an astronaut riding a horse, variation " + i)
                            .width(size)
                            .height(size)
                            .numInferenceSteps(steps)
                            .guidanceScale(7.5 + i % 3)
                            .sampler(io.kiln.contracts.Sampler.DDIM)
                            .seed(1000L + i)
                            .build())
                    .toList();
        }
    }

    /** Writes requests to the job topic as a dispatcher does: keyed and headed by job id. */
    private static final class Submitter implements AutoCloseable {
        private final KafkaProducer<byte[], byte[]> producer;
        private final String topic;

        Submitter(String bootstrapServers, String topic) {
            this.producer = new KafkaProducer<>(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                    ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()));
            this.topic = topic;
        }

        void submit(List<GenerationRequest> requests) {
            for (GenerationRequest request : requests) {
                byte[] key = request.jobId().getBytes(StandardCharsets.UTF_8);
                var record = new ProducerRecord<>(topic, key, JsonCodec.write(request));
                record.headers().add(Headers.JOB_ID, key);
                producer.send(record);
            }
            producer.flush();
        }

        @Override
        public void close() {
            producer.close();
        }
    }

    /** The terminal events of some jobs: the batch size each succeeded job reported, and when the last was read. */
    private record Terminals(List<Integer> batchSizes, long lastReadAtNanos) {}

    /** Reads the event topic from its beginning, as a client does: {@code read_committed}. */
    private static final class EventReader implements AutoCloseable {
        private final KafkaConsumer<byte[], byte[]> consumer;
        private final Map<String, JobEvent> terminal = new HashMap<>();
        private final Map<String, Long> readAt = new HashMap<>();

        EventReader(String bootstrapServers, String topic) {
            this.consumer = new KafkaConsumer<>(Map.of(
                    ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    bootstrapServers,
                    // terminal events count once their transaction commits, as for every client of the cluster
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_committed",
                    ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName(),
                    ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                    ByteArrayDeserializer.class.getName()));
            WholeTopic.assignFromStart(consumer, topic);
        }

        /** Reads until every job of {@code requests} has its terminal event; each must be {@code succeeded}. */
        Terminals await(List<GenerationRequest> requests, Duration timeout) {
            List<String> ids = requests.stream().map(GenerationRequest::jobId).toList();
            long deadline = System.nanoTime() + timeout.toNanos();
            while (!terminal.keySet().containsAll(ids)) {
                if (System.nanoTime() > deadline) {
                    long missing =
                            ids.stream().filter(id -> !terminal.containsKey(id)).count();
                    throw new IllegalStateException(
                            missing + " of " + ids.size() + " jobs did not end within " + timeout);
                }
                for (var record : consumer.poll(Duration.ofMillis(100))) {
                    JobEventEnvelope envelope = JsonCodec.readEvent(record.value());
                    JobEvent event = envelope.data();
                    if (event instanceof JobEvent.Succeeded
                            || event instanceof JobEvent.Failed
                            || event instanceof JobEvent.Cancelled) {
                        terminal.put(envelope.subject(), event);
                        readAt.put(envelope.subject(), System.nanoTime());
                    }
                }
            }
            List<Integer> sizes = new ArrayList<>();
            long last = Long.MIN_VALUE;
            for (String id : ids) {
                if (!(terminal.get(id) instanceof JobEvent.Succeeded succeeded)) {
                    throw new IllegalStateException("job " + id + " did not succeed: " + terminal.get(id));
                }
                sizes.add(succeeded.batchSize());
                last = Math.max(last, readAt.get(id));
            }
            return new Terminals(sizes, last);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    /** Times of a bare run. */
    private record BareTimes(Duration generate, Duration png) {}

    /** The pipeline alone, on its own copy of the model, with the PNG encoding the worker does after it. */
    private static final class BarePipeline implements AutoCloseable {
        /** Runs on a thread of its own name, which its OpenMP threads inherit, so its CPU time can be told apart. */
        static final String THREAD = "kiln-bare";

        private final ExecutorService thread = Executors.newSingleThreadExecutor(
                Thread.ofPlatform().name(THREAD).factory());
        private final StableDiffusionModel model;
        private final StableDiffusionPipeline pipeline;
        private final String modelName;
        private final String modelHash;

        BarePipeline(Path modelPath, String modelName) throws IOException {
            this.model = ModelLoader.load(modelPath, Optional.empty(), ModelOptions.cpu());
            this.pipeline = new StableDiffusionPipeline(model, new SeededNoise());
            this.modelName = modelName;
            this.modelHash = ModelHash.of(modelPath);
        }

        /** Runs {@code requests} in order, cut into {@code batches}, largest first, on the pipeline's own thread. */
        BareTimes run(List<GenerationRequest> requests, SortedMap<Integer, Integer> batches)
                throws InterruptedException {
            try {
                return thread.submit(() -> runHere(requests, batches)).get();
            } catch (ExecutionException e) {
                if (e.getCause() instanceof RuntimeException runtime) {
                    throw runtime;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        private BareTimes runHere(List<GenerationRequest> requests, SortedMap<Integer, Integer> batches) {
            Duration generate = Duration.ZERO;
            Duration png = Duration.ZERO;
            int next = 0;
            for (var entry : batches.entrySet()) {
                for (int b = 0; b < entry.getValue() && next < requests.size(); b++) {
                    int end = Math.min(requests.size(), next + entry.getKey());
                    List<GenerationJob> jobs =
                            requests.subList(next, end).stream().map(this::job).toList();
                    next = end;
                    long start = System.nanoTime();
                    List<JobResult> results = pipeline.generate(jobs, (jobId, step, total) -> {});
                    generate = generate.plusNanos(System.nanoTime() - start);
                    png = png.plus(encode(jobs, results));
                }
            }
            return new BareTimes(generate, png);
        }

        private Duration encode(List<GenerationJob> jobs, List<JobResult> results) {
            long start = System.nanoTime();
            for (int j = 0; j < jobs.size(); j++) {
                for (GeneratedImage image : results.get(j).images()) {
                    PngWriter.encode(
                            image.image(), GenerationParameters.of(jobs.get(j), image.seed(), modelName, modelHash));
                }
            }
            return Duration.ofNanos(System.nanoTime() - start);
        }

        /** The job as the worker hands it to the pipeline. */
        private GenerationJob job(GenerationRequest request) {
            return GenerationJob.txt2img(
                    request.jobId(),
                    request.prompt(),
                    request.negativePrompt(),
                    request.width(),
                    request.height(),
                    request.numInferenceSteps(),
                    request.guidanceScale(),
                    Sampler.fromRequestName(request.sampler().wireName()),
                    request.eta(),
                    request.seed(),
                    request.numImages());
        }

        @Override
        public void close() {
            thread.close();
            model.close();
        }
    }

    /** The worker's Prometheus endpoint, for its own denoising time and retry counts. */
    private static final class Metrics implements AutoCloseable {
        private final HttpClient http = HttpClient.newHttpClient();
        private final URI uri;

        Metrics(int port) {
            this.uri = URI.create("http://127.0.0.1:" + port + "/metrics");
        }

        /** The samples without labels, by name. */
        Map<String, Double> scrape() throws IOException, InterruptedException {
            String text = http.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
                    .body();
            Map<String, Double> samples = new HashMap<>();
            for (String line : text.lines().toList()) {
                String[] parts = line.split(" ");
                if (!line.startsWith("#") && parts.length >= 2 && !parts[0].contains("{")) {
                    samples.put(parts[0], Double.parseDouble(parts[1]));
                }
            }
            return samples;
        }

        @Override
        public void close() {
            http.close();
        }
    }
}
