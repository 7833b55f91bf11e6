package io.kiln.cli;

import io.kiln.bench.ApiBenchmark;
import io.kiln.clients.S3ClientFactory;
import io.kiln.dispatcher.config.StorageSettings;
import io.kiln.infra.local.S3Endpoint;
import io.kiln.infra.local.process.ChildLifetime;
import io.kiln.infra.local.process.LocalKafka;
import io.kiln.infra.local.process.LocalKafkaConfig;
import io.kiln.infra.local.process.LocalS3;
import io.kiln.infra.local.process.LocalS3Config;
import io.kiln.infra.local.process.ServerJit;
import java.io.IOException;
import java.io.PrintWriter;
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
import software.amazon.awssdk.services.s3.S3Client;

/**
 * {@code kiln bench api}: how many jobs the dispatcher accepts per second, and its {@code POST /v1/jobs} latency, under
 * many concurrent clients ({@link ApiBenchmark}). Starts a Kafka broker of its own, as {@code kiln infra up} does, or
 * uses the one given.
 */
@Command(
        name = "api",
        mixinStandardHelpOptions = true,
        description = {
            "Runs a dispatcher in this JVM and submits jobs to it from concurrent clients through the Java client, each"
                    + " client waiting for its answer before it submits again. Starts its own Kafka broker on 127.0.0.1"
                    + " and stops it at the end, unless --bootstrap names one elsewhere.",
            "The last line, accepted_per_second=<x> p99_ms=<y>, gives the jobs answered 202 per second of the"
                    + " measurement and the 99th percentile of the time to answer."
        })
public final class ApiBenchCommand implements Callable<Integer> {
    private static final String BUCKET = "kiln-bench";

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--clients",
            defaultValue = "100",
            paramLabel = "N",
            description = "Concurrent clients (default: ${DEFAULT-VALUE}).")
    private int clients;

    @Option(
            names = "--warm-up-seconds",
            defaultValue = "20",
            paramLabel = "S",
            description = "Seconds of submitting before the measurement, not counted, while the JIT compiles the"
                    + " request's path (default: ${DEFAULT-VALUE}).")
    private int warmUpSeconds;

    @Option(
            names = "--seconds",
            defaultValue = "30",
            paramLabel = "S",
            description = "Seconds measured (default: ${DEFAULT-VALUE}).")
    private int seconds;

    @Option(
            names = "--bootstrap",
            paramLabel = "HOST:PORT",
            description = "A Kafka broker to use instead of starting one; the run's topics stay on it.")
    private String bootstrap;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (clients < 1 || warmUpSeconds < 0 || seconds < 1) {
            throw new ParameterException(
                    spec.commandLine(),
                    "--clients and --seconds must be ≥ 1 and --warm-up-seconds ≥ 0, were " + clients + ", " + seconds
                            + " and " + warmUpSeconds);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.printf(
                Locale.ROOT,
                "api benchmark: POST /v1/jobs, %d clients, %d s warm-up, %d s measured%n",
                clients,
                warmUpSeconds,
                seconds);
        out.println("machine: " + WorkerBenchCommand.Machine.describe());
        Path folder = Files.createTempDirectory("kiln-bench-api-");
        // the dispatcher is ready only when S3 answers; the submissions themselves never touch it
        try (LocalS3 s3 = LocalS3.start(LocalS3Config.forTests(folder.resolve("s3")))) {
            StorageSettings storage = storage(s3.endpoint());
            if (bootstrap != null) {
                out.printf(Locale.ROOT, "Kafka at %s (given)%n", bootstrap);
                run(out, bootstrap, folder, Optional.empty(), storage);
            } else {
                try (LocalKafka kafka = LocalKafka.start(new LocalKafkaConfig(
                        folder.resolve("kafka"),
                        0,
                        ChildLifetime.TIED_TO_PARENT,
                        LocalKafkaConfig.DEFAULT_STARTUP_TIMEOUT,
                        Map.of(),
                        // a long-running broker is C2-compiled; C1 alone would take more of the shared cores per job
                        ServerJit.FULL_SPEED))) {
                    out.printf(Locale.ROOT, "Kafka at %s%n", kafka.endpoint().bootstrapServers());
                    run(out, kafka.endpoint().bootstrapServers(), folder, ProcessHandle.of(kafka.pid()), storage);
                }
            }
        } finally {
            deleteQuietly(folder);
        }
        return ExitCode.OK;
    }

    /** A bucket of its own on {@code s3}, for the dispatcher's readiness check. */
    private static StorageSettings storage(S3Endpoint s3) {
        try (S3Client client = S3ClientFactory.createClient(s3.toS3Settings())) {
            client.createBucket(create -> create.bucket(BUCKET));
        }
        return new StorageSettings(s3.toS3Settings(), BUCKET, StorageSettings.DEFAULT_URL_EXPIRY);
    }

    private void run(
            PrintWriter out,
            String bootstrapServers,
            Path folder,
            Optional<ProcessHandle> broker,
            StorageSettings storage)
            throws InterruptedException {
        ApiBenchmark.Result result = new ApiBenchmark(new ApiBenchmark.Options(
                        bootstrapServers,
                        clients,
                        Duration.ofSeconds(warmUpSeconds),
                        Duration.ofSeconds(seconds),
                        folder.resolve("state"),
                        broker,
                        storage))
                .run(out::println);
        out.println("machine load after the run: " + WorkerBenchCommand.Machine.loadAverage());
        out.printf(
                Locale.ROOT,
                "measured: %d accepted in %d s, refused %s; latency p50 %.1f ms, p90 %.1f ms, p99 %.1f ms, max %.1f"
                        + " ms%n",
                result.accepted(),
                seconds,
                result.refused().isEmpty() ? "none" : result.refused(),
                millis(result.percentile(50)),
                millis(result.percentile(90)),
                millis(result.percentile(99)),
                millis(result.percentile(100)));
        out.printf(
                Locale.ROOT,
                "CPU per accepted job: %.3f ms in this JVM (dispatcher and clients), %s in the broker; the machine's"
                        + " cores were busy %s on average, with everything running on it%n",
                result.jvmCpuPerJobMillis(),
                result.brokerCpuPerJobMillis().isPresent()
                        ? String.format(
                                Locale.ROOT,
                                "%.3f ms",
                                result.brokerCpuPerJobMillis().getAsDouble())
                        : "not counted (elsewhere)",
                result.machineBusyCores().isPresent()
                        ? String.format(
                                Locale.ROOT,
                                "%.2f of %d",
                                result.machineBusyCores().getAsDouble(),
                                Runtime.getRuntime().availableProcessors())
                        : "unknown");
        out.printf(
                Locale.ROOT,
                "accepted_per_second=%.1f p99_ms=%.1f%n",
                result.acceptedPerSecond(),
                millis(result.percentile(99)));
    }

    private static double millis(Duration duration) {
        return duration.toNanos() / 1e6;
    }

    private static void deleteQuietly(Path folder) {
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder())
                    .forEach(path -> path.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is no reason to fail a finished benchmark
        }
    }
}
