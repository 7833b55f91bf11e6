package io.kiln.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.kiln.cli.KilnProcess.Result;
import io.kiln.client.JobHandle;
import io.kiln.client.KilnClient;
import io.kiln.clients.S3ClientFactory;
import io.kiln.clients.S3Settings;
import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobStatus;
import io.kiln.contracts.Topics;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The end-to-end test, through {@code kiln local}'s own parts: {@code kiln local --detach} as its own JVM, as
 * the script runs it, with two workers serving the random-weight model it writes; twenty jobs through the Java client,
 * fourteen at once with one worker killed with SIGKILL in the middle of a job, then three pairs of identical requests;
 * every image read back from S3; {@code kiln local down}; then a restart in the foreground over the same folder,
 * stopped as Ctrl-C stops it.
 *
 * <p>The images are read from S3 by their {@code s3://} URIs, to check what the workers stored; {@code kiln demo},
 * run against the same cluster, downloads them through their presigned URLs.
 */
class LocalCommandIT {

    private static final Pattern API = Pattern.compile("(?m)^API +(http://127\\.0\\.0\\.1:\\d+)$");

    /** The workers' consumer group: the worker's default, which kiln local keeps. */
    private static final String GROUP = "kiln-workers";

    /** Job partitions: kiln local makes two per worker. */
    private static final int PARTITIONS = 4;

    /** Steps of the jobs the kill must catch running: a few seconds of denoising on a 2-core machine. */
    private static final int LONG_STEPS = 40;

    private Path dir;

    @BeforeEach
    void createFolder() throws IOException {
        Path root = Path.of(System.getProperty("kiln.infra.workdir", "target/kiln-infra"));
        dir = Files.createTempDirectory(Files.createDirectories(root), "local-command-")
                .toAbsolutePath();
    }

    @AfterEach
    void stopWhateverAFailedTestLeftRunning() {
        LocalCluster.down(dir);
    }

    @Test
    void servesTwentyJobsThroughAWorkerKilledMidJobThenStopsAndRestartsWithTheirStatus() throws Exception {
        // 1. a detached cluster: it answers once kiln local has returned
        Result up = kiln("local", "--detach", "--dir", dir.toString(), "--workers", "2", "--port", "0");

        assertThat(up.exitCode()).as(up.output()).isZero();
        String key = Files.readString(dir.resolve("api-key")).strip();
        assertThat(up.output())
                .contains("model tiny-random (random weights", "worker-1 ready", "worker-2 ready")
                .contains("2 worker(s) serving tiny-random, " + PARTITIONS + " job partitions")
                .contains("API key  " + key);
        Map<String, Long> pids = pids();
        assertThat(pids).containsOnlyKeys("kafka", "s3", "dispatcher", "worker-1", "worker-2");
        assertThat(pids.values()).allSatisfy(pid -> assertThat(isRunning(pid)).isTrue());
        InfraState servers =
                InfraState.read(dir.resolve(DevInfrastructure.STATE_FILE)).orElseThrow();

        List<JobHandle> jobs = new ArrayList<>();
        List<JobStatus> done = new ArrayList<>();
        try (KilnClient client = client(api(up), key)) {
            // 2. fourteen jobs at once: two long ones on worker-1's partitions, twelve short ones anywhere
            Set<Integer> worker1 =
                    partitionsOf("kiln-worker-1-job-consumer", servers.kafka().bootstrapServers());
            for (long seed = 100; seed < 102; seed++) {
                jobs.add(client.submit(request(jobIdOn(worker1), "a slow red fox", seed, LONG_STEPS)));
            }
            for (long seed = 0; seed < 12; seed++) {
                jobs.add(client.submit(request(UUID.randomUUID().toString(), "a red fox", seed, 2)));
            }

            // 3. SIGKILL worker-1 while it denoises a long job
            await().atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> jobs.getFirst().status().status() == JobStatus.Status.RUNNING);
            ProcessHandle.of(pids.get("worker-1")).orElseThrow().destroyForcibly();
            await().atMost(Duration.ofSeconds(10)).until(() -> !isRunning(pids.get("worker-1")));

            // 4. nothing lost: worker-2 takes over worker-1's partitions and every job succeeds
            for (JobHandle job : jobs) {
                done.add(job.await(Duration.ofMinutes(2)));
            }

            // 5. three pairs of identical requests, each job alone on the cluster: a job's pixels may move by one level
            // with the size of its batch and its place in it (BatchInvarianceIT), so only equal batches give equal
            // bytes
            for (long seed = 0; seed < 3; seed++) {
                for (int copy = 0; copy < 2; copy++) {
                    JobHandle twin = client.submit(request(UUID.randomUUID().toString(), "a twin fox", seed, 2));
                    jobs.add(twin);
                    done.add(twin.await(Duration.ofMinutes(1)));
                }
            }
        }
        assertThat(done).as("final states").hasSize(20).allSatisfy(status -> assertThat(status.status())
                .isEqualTo(JobStatus.Status.SUCCEEDED));

        // every image is a PNG in S3, and identical requests made identical files
        List<byte[]> pngs = readImages(done, servers);
        assertThat(pngs).allSatisfy(png -> assertThat(png).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'));
        for (int pair = 0; pair < 3; pair++) {
            assertThat(pngs.get(15 + 2 * pair)).as("twins " + pair).isEqualTo(pngs.get(14 + 2 * pair));
        }
        assertThat(pngs.get(16)).as("another seed, another image").isNotEqualTo(pngs.get(14));

        // kiln demo uses the running cluster: its jobs through the client, progress from their event streams, images
        // downloaded through their presigned URLs
        Result demo = kiln("demo", "--dir", dir.toString(), "--count", "2", "--out", "demo-out");
        assertThat(demo.exitCode()).as(demo.output()).isZero();
        assertThat(demo.output())
                .contains("Using the kiln local running from " + dir, "Submitted 2 job(s)", "succeeded", "Images:");
        assertDemoImages(dir.resolve("demo-out"), 2);

        // 6. down leaves no process behind
        Result down = kiln("local", "down", "--dir", dir.toString());

        assertThat(down.exitCode()).as(down.output()).isZero();
        assertThat(down.output())
                .contains("worker-1   was not running", "worker-2   stopped (pid " + pids.get("worker-2") + ")");
        assertThat(pids.values())
                .allSatisfy(pid -> assertThat(isRunning(pid)).as("pid " + pid).isFalse());
        assertThat(pids()).isEmpty();

        // 7. a restart in the foreground over the same folder still knows the finished jobs
        Path output = dir.resolve("foreground.out");
        Process foreground = start(output, "local", "--dir", dir.toString(), "--workers", "1", "--port", "0");
        try {
            await().atMost(Duration.ofMinutes(2))
                    .until(() -> Files.readString(output).contains("Ctrl-C stops it."));
            Map<String, Long> restarted = pids();
            try (KilnClient client = client(api(new Result(0, Files.readString(output))), key)) {
                JobStatus finished = client.job(jobs.getFirst().jobId()).status();
                assertThat(finished.status()).isEqualTo(JobStatus.Status.SUCCEEDED);
                // the same stored images; their URLs are presigned anew with each answer
                assertThat(finished.images())
                        .extracting(JobStatus.Image::uri, JobStatus.Image::sha256)
                        .containsExactlyElementsOf(done.getFirst().images().stream()
                                .map(image -> org.assertj.core.groups.Tuple.tuple(image.uri(), image.sha256()))
                                .toList());
            }

            // 8. Ctrl-C reaches every process of the terminal's job; the children ignore it and kiln local stops them
            // in order. kiln local gets SIGTERM here, which runs the same shutdown as SIGINT: a build started in the
            // background hands its children an ignored SIGINT, which a JVM cannot take back.
            signal("-INT", restarted.values());
            signal("-TERM", List.of(foreground.pid()));
            assertThat(foreground.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(Files.readString(output))
                    .containsSubsequence(
                            "Stopping...",
                            "worker-1   stopped (pid " + restarted.get("worker-1") + ")",
                            "dispatcher stopped (pid " + restarted.get("dispatcher") + ")",
                            "Kafka      stopped (pid " + restarted.get("kafka") + ")",
                            "S3         stopped (pid " + restarted.get("s3") + ")");
            assertThat(restarted.values())
                    .allSatisfy(pid -> assertThat(isRunning(pid)).isFalse());
        } finally {
            foreground.destroyForcibly();
        }
    }

    private static GenerationRequest request(String jobId, String prompt, long seed, int steps) {
        return GenerationRequest.builder()
                .jobId(jobId)
                .prompt(prompt)
                .seed(seed)
                .numInferenceSteps(steps)
                .width(64)
                .height(64)
                .build();
    }

    private static KilnClient client(URI api, String key) {
        return KilnClient.builder().baseUrl(api).apiKey(key).build();
    }

    /**
     * The job partitions of the worker whose consumer is {@code clientId}, once the group has settled with two members
     * holding partitions each.
     */
    private static Set<Integer> partitionsOf(String clientId, String bootstrap) {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
            return await().atMost(Duration.ofMinutes(1))
                    .until(
                            () -> {
                                ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP))
                                        .all()
                                        .get()
                                        .get(GROUP);
                                Map<String, Set<Integer>> byClient = group.members().stream()
                                        .collect(Collectors.toMap(
                                                MemberDescription::clientId,
                                                member -> member.assignment().topicPartitions().stream()
                                                        .filter(partition -> partition
                                                                .topic()
                                                                .equals(Topics.JOBS))
                                                        .map(TopicPartition::partition)
                                                        .collect(Collectors.toSet())));
                                boolean settled = byClient.size() == 2
                                        && byClient.values().stream().noneMatch(Set::isEmpty);
                                return settled ? byClient.get(clientId) : null;
                            },
                            partitions -> partitions != null);
        }
    }

    /** A job id that Kafka's default partitioner, which the dispatcher's producer uses, puts on {@code partitions}. */
    private static String jobIdOn(Set<Integer> partitions) {
        while (true) {
            String jobId = UUID.randomUUID().toString();
            int partition = Utils.toPositive(Utils.murmur2(jobId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS;
            if (partitions.contains(partition)) {
                return jobId;
            }
        }
    }

    /** Each job's one image, read from S3, after checking its size and hash against the job's status. */
    private static List<byte[]> readImages(List<JobStatus> jobs, InfraState servers) throws Exception {
        S3Settings settings = S3Settings.compatibleStore(
                servers.s3().endpoint(),
                servers.s3().region(),
                servers.s3().accessKey(),
                servers.s3().secretKey());
        List<byte[]> pngs = new ArrayList<>();
        try (S3Client s3 = S3ClientFactory.createClient(settings)) {
            for (JobStatus job : jobs) {
                assertThat(job.images()).hasSize(1);
                JobStatus.Image image = job.images().getFirst();
                byte[] png = s3.getObjectAsBytes(
                                request -> request.bucket(image.uri().bucket())
                                        .key(image.uri().key()))
                        .asByteArray();
                assertThat(image.uri().bucket()).isEqualTo(LocalProvisioning.BUCKET);
                assertThat(png).hasSize(Math.toIntExact(image.sizeBytes()));
                assertThat(HexFormat.of()
                                .formatHex(MessageDigest.getInstance("SHA-256").digest(png)))
                        .isEqualTo(image.sha256());
                pngs.add(png);
            }
        }
        return pngs;
    }

    private Map<String, Long> pids() throws IOException {
        Path folder = dir.resolve("pids");
        if (!Files.isDirectory(folder)) {
            return Map.of();
        }
        Map<String, Long> pids = new LinkedHashMap<>();
        try (Stream<Path> files = Files.list(folder)) {
            for (Path file : files.toList()) {
                String name = file.getFileName().toString();
                pids.put(
                        name.substring(0, name.length() - ".pid".length()),
                        Long.parseLong(Files.readString(file).strip()));
            }
        }
        return pids;
    }

    private static URI api(Result result) {
        Matcher matcher = API.matcher(result.output());
        assertThat(matcher.find()).as(result.output()).isTrue();
        return URI.create(matcher.group(1));
    }

    private Result kiln(String... args) throws Exception {
        return KilnProcess.run(dir, args);
    }

    private Process start(Path output, String... args) throws IOException {
        return KilnProcess.start(dir, output, args);
    }

    /** The demo wrote {@code count} PNGs to {@code out}. */
    static void assertDemoImages(Path out, int count) throws IOException {
        try (Stream<Path> files = Files.list(out)) {
            assertThat(files.toList()).hasSize(count).allSatisfy(png -> assertThat(Files.readAllBytes(png))
                    .startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'));
        }
    }

    private static void signal(String signal, Iterable<Long> pids) throws Exception {
        List<String> command = new ArrayList<>(List.of("kill", signal));
        pids.forEach(pid -> command.add(Long.toString(pid)));
        assertThat(new ProcessBuilder(command).inheritIO().start().waitFor()).isZero();
    }

    private static boolean isRunning(long pid) {
        return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
    }
}
