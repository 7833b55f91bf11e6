package io.kiln.cli;

import io.kiln.bench.TinyRandomModel;
import io.kiln.clients.S3ClientFactory;
import io.kiln.contracts.ContractSchema;
import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobEvent;
import io.kiln.contracts.JobEventEnvelope;
import io.kiln.contracts.JsonCodec;
import io.kiln.contracts.ParseResult;
import io.kiln.contracts.RequestParser;
import io.kiln.contracts.Sampler;
import io.kiln.contracts.Topics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import software.amazon.awssdk.services.s3.S3Client;
import tools.jackson.databind.JsonNode;

/**
 * One soak (docs/RELIABILITY.md): jobs sent through a cluster of worker processes while {@link ChaosPlan} kills and
 * restarts its parts, then fuzzed records; then the checks of what the cluster promises:
 *
 * <ol>
 *   <li>every job has exactly one terminal event, and under these faults that is {@code succeeded};
 *   <li>every announced image is in S3 with the announced SHA-256;
 *   <li>no committed offset ever passed a record before it was settled ({@link SoakLedger});
 *   <li>no worker exited that the soak did not stop;
 *   <li>every fuzzed record succeeded or went to the dead-letter topic with a reason naming a field or the parse
 *       error, and the end of the job topic is committed.
 * </ol>
 */
final class SoakRun {
    /** How long the cluster may go without ending a job while some are left: longer means it has stopped. */
    private static final Duration STALL = Duration.ofMinutes(2);

    /** How long the run watches after the last terminal event for a second one. */
    private static final Duration QUIET = Duration.ofSeconds(10);

    /** A dead letter's reason: {@code field: rule}, the field a request field or {@code $} for the document. */
    private static final Pattern REASON = Pattern.compile("(\\$|[a-z_]+)([.\\[][^:]*)?: \\S.*", Pattern.DOTALL);

    private final SoakSettings settings;
    private final Path dir;
    private final Consumer<String> log;
    private final List<String> violations = new ArrayList<>();

    /** A soak as {@code settings} say, with its model, servers' data and logs in {@code dir}. */
    SoakRun(SoakSettings settings, Path dir, Consumer<String> log) {
        this.settings = settings;
        this.dir = dir;
        this.log = log;
    }

    /** Runs the soak and returns what it found: a pass when {@link SoakReport#violations()} is empty. */
    SoakReport run() throws IOException, InterruptedException {
        Path model = TinyRandomModel.writeInto(dir);
        ChaosPlan plan = new ChaosPlan(settings);
        try (SoakCluster cluster = SoakCluster.start(dir, model, settings.workers());
                SoakLedger ledger = new SoakLedger(cluster.bootstrapServers());
                SoakSubmitter submitter = new SoakSubmitter(cluster.bootstrapServers(), ledger)) {
            log.accept("cluster: Kafka at " + cluster.bootstrapServers() + ", S3 at "
                    + cluster.s3().endpoint() + ", " + settings.workers() + " workers; files and logs in "
                    + dir);

            // 1. jobs flow while the faults happen
            List<GenerationRequest> jobs = jobs("soak", settings.jobs());
            long start = System.nanoTime();
            Thread sending = Thread.ofPlatform().name("soak-submitter").start(() -> {
                try {
                    submitter.sendOver(jobs.stream().map(SoakRun::outgoing).toList(), plan.estimate());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
            try {
                plan.run(cluster, log);
            } catch (RuntimeException | InterruptedException e) {
                sending.interrupt();
                throw e;
            } finally {
                sending.join();
            }
            long faultsOver = System.nanoTime();
            // a record the broker never acknowledged was never a job: the soak's own producer gave it up
            List<String> ids = jobs.stream()
                    .map(GenerationRequest::jobId)
                    .filter(id -> !submitter.refusedIds().contains(id))
                    .toList();

            // 2. every job ends, and no second terminal event follows within the quiet period
            awaitTerminal(ledger, ids);
            long lastEnd = ids.stream()
                    .mapToLong(ledger::firstTerminalReadAtNanos)
                    .max()
                    .orElse(start);
            log.accept(String.format(
                    Locale.ROOT,
                    "the last of the %d jobs ended %.1f s after the first was sent; the faults were over after %.1f s",
                    ids.size(),
                    (lastEnd - start) / 1e9,
                    (faultsOver - start) / 1e9));
            Thread.sleep(QUIET);
            SoakReport.Jobs jobFigures = checkJobs(ledger, cluster, ids, start, lastEnd);

            // 3. fuzzed records, with no fault: none may stop a worker
            SoakReport.Fuzz fuzzFigures = fuzz(ledger, submitter);
            awaitCommittedToEnd(cluster.bootstrapServers());

            ledger.requireReading();
            violations.addAll(ledger.violations());
            List<String> exits = cluster.unexpectedExits();
            violations.addAll(exits);
            cluster.errorLines().forEach(line -> violations.add("logged at ERROR by " + line));
            return new SoakReport(
                    jobFigures,
                    fuzzFigures,
                    ledger.checks(),
                    submitter.refused(),
                    ledger.retried(),
                    exits.size(),
                    List.copyOf(violations));
        }
    }

    /** One-image jobs for the tiny model at the soak's steps, ids {@code prefix-0} and on. */
    private List<GenerationRequest> jobs(String prefix, int count) {
        SplittableRandom random = new SplittableRandom(settings.seed() ^ prefix.hashCode());
        List<GenerationRequest> jobs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            // a random tail, so that a damaged id is a new id rather than another job's
            String id = String.format(Locale.ROOT, "%s-%d-%08x", prefix, i, random.nextInt());
            jobs.add(GenerationRequest.builder()
                    .jobId(id)
                    .model(TinyRandomModel.NAME)
                    .prompt("a lighthouse in a storm, " + id)
                    .width(64)
                    .height(64)
                    .numInferenceSteps(settings.steps())
                    .sampler(Sampler.DDIM)
                    .seed(random.nextLong(1L << 32))
                    .build());
        }
        return jobs;
    }

    private static SoakSubmitter.Outgoing outgoing(GenerationRequest request) {
        return new SoakSubmitter.Outgoing(request.jobId(), request.jobId(), JsonCodec.write(request));
    }

    /**
     * Waits until every one of {@code ids} has a terminal event. However many there are, the cluster must keep ending
     * them: a whole {@link #STALL} without a new one is a violation, and the wait ends.
     */
    private void awaitTerminal(SoakLedger ledger, List<String> ids) throws InterruptedException {
        long ended = 0;
        long lastProgress = System.nanoTime();
        while (ended < ids.size()) {
            ledger.requireReading();
            long now = ledger.countTerminal(ids);
            if (now > ended) {
                ended = now;
                lastProgress = System.nanoTime();
            } else if (System.nanoTime() - lastProgress > STALL.toNanos()) {
                violations.add((ids.size() - ended) + " of " + ids.size() + " jobs had no terminal event, and none"
                        + " ended in the last " + STALL.toSeconds() + " s");
                return;
            }
            Thread.sleep(200);
        }
    }

    private SoakReport.Jobs checkJobs(SoakLedger ledger, SoakCluster cluster, List<String> ids, long start, long end) {
        int succeeded = 0;
        int imagesChecked = 0;
        long duplicates = 0;
        List<Long> latencies = new ArrayList<>();
        try (S3Client s3 = S3ClientFactory.createClient(cluster.s3().toS3Settings())) {
            for (String id : ids) {
                List<JobEventEnvelope> terminals = ledger.terminals(id);
                duplicates += Math.max(0, ledger.starts(id) - 1);
                if (terminals.size() != 1) {
                    violations.add(id + ": " + terminals.size() + " terminal events, " + kinds(terminals));
                    continue;
                }
                latencies.add(ledger.firstTerminalReadAtNanos(id) - ledger.sentAtNanos(id));
                if (!(terminals.getFirst().data() instanceof JobEvent.Succeeded success)) {
                    violations.add(id + ": ended " + terminals.getFirst().data());
                    continue;
                }
                succeeded++;
                for (JobEvent.Succeeded.Image image : success.images()) {
                    byte[] stored = s3.getObjectAsBytes(
                                    request -> request.bucket(image.uri().bucket())
                                            .key(image.uri().key()))
                            .asByteArray();
                    imagesChecked++;
                    if (!sha256(stored).equals(image.sha256())) {
                        violations.add(id + ": " + image.uri() + " holds bytes whose SHA-256 is not the announced "
                                + image.sha256());
                    }
                }
            }
        }
        latencies.sort(null);
        return new SoakReport.Jobs(
                ids.size(),
                succeeded,
                imagesChecked,
                duplicates,
                Duration.ofNanos(end - start),
                percentile(latencies, 0.50),
                percentile(latencies, 0.99));
    }

    private SoakReport.Fuzz fuzz(SoakLedger ledger, SoakSubmitter submitter) throws InterruptedException {
        if (settings.fuzz() == 0) {
            return new SoakReport.Fuzz(0, 0, 0, Map.of());
        }
        RequestFuzzer fuzzer = new RequestFuzzer(settings.seed());
        Map<RequestFuzzer.Mutation, Integer> mutations = new EnumMap<>(RequestFuzzer.Mutation.class);
        List<SoakSubmitter.Outgoing> records = new ArrayList<>();
        for (GenerationRequest base : jobs("fuzz", settings.fuzz())) {
            RequestFuzzer.Fuzzed fuzzed = fuzzer.next(base);
            mutations.merge(fuzzed.mutation(), 1, Integer::sum);
            records.add(new SoakSubmitter.Outgoing(fuzzed.declaredJobId(), outcomeJobId(fuzzed), fuzzed.value()));
        }
        long start = System.nanoTime();
        submitter.sendAll(records);
        List<String> ids = records.stream()
                .map(SoakSubmitter.Outgoing::outcomeJobId)
                .filter(id -> !submitter.refusedIds().contains(id))
                .toList();
        awaitTerminal(ledger, ids);
        log.accept(String.format(
                Locale.ROOT,
                "%d fuzzed records sent and settled in %.1f s",
                records.size(),
                (System.nanoTime() - start) / 1e9));
        int deadLettered = 0;
        int succeeded = 0;
        for (String id : ids) {
            List<JobEventEnvelope> terminals = ledger.terminals(id);
            if (terminals.size() != 1) {
                violations.add("fuzzed " + id + ": " + terminals.size() + " terminal events, " + kinds(terminals));
                continue;
            }
            JobEvent end = terminals.getFirst().data();
            if (end instanceof JobEvent.Succeeded) {
                succeeded++;
            } else if (end instanceof JobEvent.Failed failed && failed.deadLetterTopic() != null) {
                deadLettered++;
                if (!REASON.matcher(failed.message()).matches() || !namesAField(failed.message())) {
                    violations.add(
                            "fuzzed " + id + ": dead-lettered with a reason naming no field: " + failed.message());
                }
            } else {
                violations.add("fuzzed " + id + ": neither succeeded nor dead-lettered: " + end);
            }
        }
        return new SoakReport.Fuzz(records.size(), deadLettered, succeeded, mutations);
    }

    /**
     * The job id a fuzzed record's events carry: the one in its value when the worker can read it there, else the one
     * its key and header declare. The worker reads requests with the same parser.
     */
    private static String outcomeJobId(RequestFuzzer.Fuzzed fuzzed) {
        return switch (RequestParser.parse(fuzzed.value())) {
            case ParseResult.Valid valid
            when valid.request().jobId() != null
                    && GenerationRequest.isJobId(valid.request().jobId()) ->
                valid.request().jobId();
            default -> fuzzed.declaredJobId();
        };
    }

    /** Whether each {@code field: rule} of {@code reason} names {@code $} or a field of the request schema. */
    private static boolean namesAField(String reason) {
        Set<String> fields = RequestFields.NAMES;
        for (String violation : reason.split("; (?=(\\$|[a-z_]+)([.\\[][^:]*)?: )")) {
            String field = violation.substring(0, violation.indexOf(':')).split("[.\\[]")[0];
            if (!field.equals("$") && !fields.contains(field)) {
                return false;
            }
        }
        return true;
    }

    /** Waits until the group has committed every record of the job topic: nothing is left unsettled. */
    private void awaitCommittedToEnd(String bootstrapServers) throws InterruptedException {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            Map<TopicPartition, Long> behind = Map.of();
            while (System.nanoTime() < deadline) {
                behind = uncommitted(admin);
                if (behind.isEmpty()) {
                    return;
                }
                Thread.sleep(500);
            }
            violations.add("records of the job topic left uncommitted at the end: " + behind);
        } catch (ExecutionException | TimeoutException e) {
            violations.add("cannot read the committed offsets at the end: " + e);
        }
    }

    /** For each job-topic partition whose end is past its committed offset, how many records lie between. */
    private static Map<TopicPartition, Long> uncommitted(Admin admin)
            throws InterruptedException, ExecutionException, TimeoutException {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(SoakCluster.group())
                .partitionsToOffsetAndMetadata()
                .get(10, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < SoakCluster.PARTITIONS; p++) {
            latest.put(new TopicPartition(Topics.JOBS, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> behind = new TreeMap<>(Comparator.comparingInt(TopicPartition::partition));
        admin.listOffsets(latest).all().get(10, TimeUnit.SECONDS).forEach((partition, end) -> {
            OffsetAndMetadata at = committed.get(partition);
            long committedOffset = at == null ? 0 : at.offset();
            if (end.offset() > committedOffset) {
                behind.put(partition, end.offset() - committedOffset);
            }
        });
        return behind;
    }

    private static String kinds(List<JobEventEnvelope> terminals) {
        return terminals.stream()
                .map(envelope -> envelope.data().getClass().getSimpleName() + " from " + envelope.source())
                .toList()
                .toString();
    }

    private static Duration percentile(List<Long> sorted, double quantile) {
        if (sorted.isEmpty()) {
            return Duration.ZERO;
        }
        int index = (int) Math.ceil(quantile * sorted.size()) - 1;
        return Duration.ofNanos(sorted.get(Math.max(0, index)));
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The top-level property names of the request's JSON Schema. */
    private static final class RequestFields {
        static final Set<String> NAMES = read();

        private static Set<String> read() {
            try (var in = ContractSchema.GENERATION_REQUEST.open()) {
                JsonNode schema = JsonCodec.mapper().readTree(in);
                return Set.copyOf(schema.get("properties").propertyNames());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
