package io.kiln.cli;

import io.kiln.bench.TinyRandomModel;
import io.kiln.bench.WorkerBenchmark;
import io.kiln.clients.S3Credentials;
import io.kiln.clients.S3Settings;
import io.kiln.infra.local.process.ChildLifetime;
import io.kiln.infra.local.process.LocalKafka;
import io.kiln.infra.local.process.LocalKafkaConfig;
import io.kiln.infra.local.process.LocalS3;
import io.kiln.infra.local.process.LocalS3Config;
import io.kiln.infra.local.process.S3Storage;
import io.kiln.infra.local.process.ServerJit;
import io.kiln.worker.config.BatchingSettings;
import java.io.IOException;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kiln bench worker}: the worker's own cost. Starts a Kafka broker and an S3 server of its own, or uses the
 * ones given, runs one worker against them and the bare pipeline beside it ({@link WorkerBenchmark}), prints a table,
 * and stops the servers it started. Without {@code --model} it serves a {@link TinyRandomModel} it builds, so that it
 * runs in a fresh clone.
 */
@Command(
        name = "worker",
        mixinStandardHelpOptions = true,
        description = {
            "Times jobs end to end through one worker (request on Kafka, PNGs to S3, terminal event read back with"
                    + " read_committed) against the bare pipeline on the same batches, in one process, round after"
                    + " round. Starts its own Kafka broker and S3 server on 127.0.0.1 and stops them at the end, unless"
                    + " --bootstrap and --s3-endpoint name servers elsewhere, so that they do not share this machine's"
                    + " cores.",
            "The last line, ratio=<x> overhead_ms=<y>, gives the medians: end-to-end over bare jobs per second, and"
                    + " the milliseconds each job spends beyond its share of the bare pipeline. They leave out the"
                    + " rounds in which the hypervisor stole more than " + WorkerBenchmark.MAX_STEAL_PERCENT
                    // picocli formats help text, so a percent sign is written twice
                    + " %% of the CPU from either run."
        })
public final class WorkerBenchCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--model",
            paramLabel = "PATH",
            description = "The model the worker serves, a diffusers folder; default: one with random weights in the"
                    + " shapes of the parity tests' tiny model, built in --dir.")
    private Path model;

    @Option(
            names = "--jobs",
            defaultValue = "40",
            paramLabel = "N",
            description = "One-image jobs per timed round; short rounds let the machine's drift hit the worker and the"
                    + " bare pipeline alike (default: ${DEFAULT-VALUE}).")
    private int jobs;

    @Option(
            names = "--warm-up",
            defaultValue = "10000",
            paramLabel = "N",
            description = "Untimed jobs before the first round, in rounds of --jobs: code that runs once per job, such"
                    + " as the S3 and Kafka clients', takes thousands of jobs to be compiled, in the worker and in the"
                    + " servers. A long-running worker is measured after 10,000, half an hour or more on a 2-core"
                    + " machine; 2,000 gives a quicker, higher figure (default: ${DEFAULT-VALUE}).")
    private int warmUp;

    @Option(
            names = "--rounds",
            defaultValue = "30",
            paramLabel = "N",
            description = "Timed rounds, each a worker run then a bare run of its batches (default: ${DEFAULT-VALUE}).")
    private int rounds;

    @Option(
            names = "--size",
            defaultValue = "64",
            paramLabel = "PX",
            description = "Image side (default: ${DEFAULT-VALUE}).")
    private int size;

    @Option(
            names = "--steps",
            defaultValue = "2",
            paramLabel = "N",
            description = "DDIM steps (default: ${DEFAULT-VALUE}).")
    private int steps;

    @Option(
            names = "--max-batch-images",
            defaultValue = "8",
            paramLabel = "N",
            description = "The worker's batch.max-images (default: ${DEFAULT-VALUE}).")
    private int maxBatchImages;

    @Option(
            names = "--max-batch-delay-ms",
            defaultValue = "200",
            paramLabel = "MS",
            description = "The worker's batch.max-delay in milliseconds (default: ${DEFAULT-VALUE}).")
    private long maxBatchDelayMillis;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "A Kafka broker to use instead of starting one; needs --s3-endpoint too. The run creates"
                    + " topics and a group named kiln-bench-<random> and leaves them behind.")
    private String bootstrap;

    @Option(
            names = "--s3-endpoint",
            paramLabel = "URL",
            description = "An S3-compatible store to use instead of starting one, addressed path-style, with keys from"
                    + " the AWS default chain (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, for example); needs"
                    + " --bootstrap too. The run creates a bucket named kiln-bench-<random> and leaves it behind.")
    private URI s3Endpoint;

    @Option(
            names = "--s3-region",
            defaultValue = "us-east-1",
            paramLabel = "REGION",
            description = "The signing region of --s3-endpoint (default: ${DEFAULT-VALUE}).")
    private String s3Region;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            description = "Folder for the built model and the servers' configuration, logs and data; default: a new"
                    + " temporary folder, deleted at the end.")
    private Path dir;

    @Override
    public Integer call() throws IOException, InterruptedException {
        checkArguments();
        PrintWriter out = spec.commandLine().getOut();
        Path folder = dir != null ? Files.createDirectories(dir) : Files.createTempDirectory("kiln-bench-worker-");
        try {
            Path served = model != null ? model : build(out, folder);
            out.printf(
                    Locale.ROOT,
                    "worker benchmark: %s, %dx%d, %d ddim steps, %d jobs per round after %d warm-up, %d rounds,"
                            + " batches of up to %d images or %d ms%n",
                    served.getFileName(),
                    size,
                    size,
                    steps,
                    jobs,
                    warmUp,
                    rounds,
                    maxBatchImages,
                    maxBatchDelayMillis);
            out.println("machine: " + Machine.describe());
            if (bootstrap != null) {
                out.printf(Locale.ROOT, "Kafka at %s, S3 at %s (given)%n", bootstrap, s3Endpoint);
                run(
                        out,
                        served,
                        bootstrap,
                        new S3Settings(Optional.of(s3Endpoint), s3Region, true, S3Credentials.defaultChain()));
            } else {
                runOnLocalServers(out, served, folder);
            }
        } finally {
            if (dir == null) {
                deleteQuietly(folder);
            }
        }
        return ExitCode.OK;
    }

    private static Path build(PrintWriter out, Path folder) throws IOException {
        long start = System.nanoTime();
        Path built = TinyRandomModel.writeInto(folder);
        out.printf(
                Locale.ROOT,
                "model: random weights in the tiny model's shapes, built in %d ms at %s%n",
                Duration.ofNanos(System.nanoTime() - start).toMillis(),
                built);
        return built;
    }

    private void runOnLocalServers(PrintWriter out, Path served, Path folder) throws IOException, InterruptedException {
        try (LocalKafka kafka = LocalKafka.start(new LocalKafkaConfig(
                        folder.resolve("kafka"),
                        0,
                        ChildLifetime.TIED_TO_PARENT,
                        LocalKafkaConfig.DEFAULT_STARTUP_TIMEOUT,
                        Map.of(),
                        // the servers share the worker's cores: C1-compiled, they would take more of them per job
                        ServerJit.FULL_SPEED));
                // files on disk, as a real store keeps them
                LocalS3 s3 = LocalS3.start(new LocalS3Config(
                        folder.resolve("s3"),
                        0,
                        S3Storage.FILESYSTEM,
                        ChildLifetime.TIED_TO_PARENT,
                        LocalS3Config.DEFAULT_STARTUP_TIMEOUT,
                        ServerJit.FULL_SPEED))) {
            out.printf(
                    Locale.ROOT,
                    "Kafka at %s, S3 at %s (files in %s)%n",
                    kafka.endpoint().bootstrapServers(),
                    s3.endpoint().endpoint(),
                    folder);
            run(out, served, kafka.endpoint().bootstrapServers(), s3.endpoint().toS3Settings());
        }
    }

    private void run(PrintWriter out, Path served, String bootstrapServers, S3Settings s3)
            throws IOException, InterruptedException {
        WorkerBenchmark.Result result = new WorkerBenchmark(options(served, bootstrapServers, s3)).run(out::println);
        out.println("machine load after the run: " + Machine.loadAverage());
        printTable(out, result);
    }

    /** Refuses bad arguments before any server starts. */
    private void checkArguments() {
        if ((bootstrap == null) != (s3Endpoint == null)) {
            throw invalid("--bootstrap and --s3-endpoint go together: give both to use servers elsewhere, or neither"
                    + " to start local ones");
        }
        if (model != null && !Files.isDirectory(model)) {
            throw invalid("--model: no such diffusers folder: "
                    + model.toAbsolutePath().normalize());
        }
        if (jobs < 1 || rounds < 1 || warmUp < 0) {
            throw invalid("--jobs and --rounds must be ≥ 1 and --warm-up ≥ 0, were " + jobs + ", " + rounds + " and "
                    + warmUp);
        }
        if (size < 64 || size % 8 != 0 || steps < 1) {
            throw invalid(
                    "--size must be a multiple of 8 of at least 64 and --steps ≥ 1, were " + size + " and " + steps);
        }
        if (maxBatchImages < 1 || maxBatchDelayMillis < 0) {
            throw invalid("--max-batch-images must be ≥ 1 and --max-batch-delay-ms ≥ 0, were " + maxBatchImages
                    + " and " + maxBatchDelayMillis);
        }
    }

    private WorkerBenchmark.Options options(Path served, String bootstrapServers, S3Settings s3) {
        return new WorkerBenchmark.Options(
                bootstrapServers,
                s3,
                served,
                jobs,
                warmUp,
                rounds,
                size,
                steps,
                new BatchingSettings(
                        maxBatchImages,
                        Duration.ofMillis(maxBatchDelayMillis),
                        BatchingSettings.defaults().starvationLimit()));
    }

    private static void printTable(PrintWriter out, WorkerBenchmark.Result result) {
        out.println();
        out.println("| round | batches (images × count) | end to end | bare pipeline | ratio | overhead per job"
                + " | of it, outside the pipeline | of it, pipeline slower in the worker | PNG per image"
                + " | CPU outside the pipeline added per job"
                + " | JIT compiling per job: worker / bare | CPU steal: worker / bare |");
        out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (WorkerBenchmark.Round round : result.rounds()) {
            out.printf(
                    Locale.ROOT,
                    "| %d | %s | %d ms, %.1f jobs/s | %d ms, %.1f jobs/s | %.2f | %.2f ms | %.2f ms | %.2f ms | %.2f ms"
                            + " | %.2f ms | %.2f ms / %.2f ms | %.0f %% / %.0f %%%s |%s%n",
                    round.number(),
                    round.describeBatches(),
                    round.endToEnd().toMillis(),
                    round.endToEndJobsPerSecond(),
                    round.bare().toMillis(),
                    round.bareJobsPerSecond(),
                    round.ratio(),
                    millis(round.overheadPerJob()),
                    millis(round.outsidePipelinePerJob()),
                    millis(round.slowerPipelinePerJob()),
                    millis(round.pngPerImage()),
                    round.addedCpuPerJobMillis(),
                    millis(round.workerCompilingPerJob()),
                    millis(round.bareCompilingPerJob()),
                    100 * round.workerSteal(),
                    100 * round.bareSteal(),
                    round.isCalm() ? "" : " left out: CPU stolen",
                    round.retries() == 0 ? "" : " " + round.retries() + " retries");
        }
        double overhead = millis(result.medianOverheadPerJob());
        out.printf(
                Locale.ROOT,
                "| median of %d | | %.1f jobs/s | %.1f jobs/s | %.2f | %.2f ms | %.2f ms | %.2f ms | | %.2f ms | | |%n",
                result.compared().size(),
                result.medianEndToEndJobsPerSecond(),
                result.medianBareJobsPerSecond(),
                result.medianRatio(),
                overhead,
                millis(result.medianOutsidePipelinePerJob()),
                millis(result.medianSlowerPipelinePerJob()),
                result.medianAddedCpuPerJobMillis());
        out.println();
        out.printf(Locale.ROOT, "ratio=%.2f overhead_ms=%.2f%n", result.medianRatio(), overhead);
    }

    private static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }

    private ParameterException invalid(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    static void deleteQuietly(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is no reason to fail a finished benchmark
        }
    }

    /** What the figures depend on: cores, CPU, memory, JDK and how busy the machine is. */
    static final class Machine {
        private Machine() {}

        static String describe() {
            return String.format(
                    Locale.ROOT,
                    "%d cores, %s, %s RAM, Java %s (%s), load %s",
                    Runtime.getRuntime().availableProcessors(),
                    procLine("/proc/cpuinfo", "model name").orElse("CPU model unknown"),
                    procLine("/proc/meminfo", "MemTotal")
                            .map(Machine::gibibytes)
                            .orElse("unknown"),
                    Runtime.version(),
                    System.getProperty("java.vm.vendor", "unknown vendor"),
                    loadAverage());
        }

        static String loadAverage() {
            double load = ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
            return load < 0 ? "unknown" : String.format(Locale.ROOT, "%.2f", load);
        }

        /** The value of the first {@code key: value} line of a /proc file. */
        private static Optional<String> procLine(String file, String key) {
            try (Stream<String> lines = Files.lines(Path.of(file))) {
                return lines.filter(line -> line.startsWith(key))
                        .map(line -> line.substring(line.indexOf(':') + 1).strip())
                        .findFirst();
            } catch (IOException | RuntimeException e) {
                return Optional.empty();
            }
        }

        /** {@code 24036572 kB} as {@code 22.9 GiB}. */
        private static String gibibytes(String memTotal) {
            String kilobytes = memTotal.replaceAll("[^0-9]", "");
            return kilobytes.isEmpty()
                    ? memTotal
                    : String.format(Locale.ROOT, "%.1f GiB", Long.parseLong(kilobytes) / (1024.0 * 1024.0));
        }
    }
}
