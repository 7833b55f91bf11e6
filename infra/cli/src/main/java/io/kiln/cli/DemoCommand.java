package io.kiln.cli;

import io.kiln.client.JobHandle;
import io.kiln.client.KilnClient;
import io.kiln.contracts.GenerationRequest;
import io.kiln.contracts.JobUpdate;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.ExitCode;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code kiln demo}: the cluster at work, through the API as a backend team would use it. It uses the {@code kiln
 * local} running from {@code --dir}, or starts one (one worker) and stops it afterwards; submits the jobs through the
 * Java client; shows a progress bar per job fed by its event stream; downloads the images through their presigned URLs.
 */
@Command(
        name = "demo",
        mixinStandardHelpOptions = true,
        description = {
            "Submits --count jobs for --prompt (or shapes prompts in turn) to a local Kiln cluster through the HTTP API, shows each job's progress"
                    + " as its events arrive, and downloads the PNGs to --out.",
            "Uses the kiln local running from --dir, or starts one with one worker for the demo and stops it"
                    + " afterwards. Job i gets seed i, so a rerun draws the same pictures."
        },
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {"0:every job succeeded", "1:a job failed or the cluster could not start", "2:bad arguments"})
final class DemoCommand implements Callable<Integer> {
    /** Pictures the repository's model can draw, one per job in turn when no --prompt is given. */
    static final List<String> DEFAULT_PROMPTS = List.of(
            "a red circle on a blue background, top left",
            "a large yellow square on a purple background",
            "a small white triangle at the bottom right, black background",
            "an orange circle in the center, green background");

    private static final int MAX_COUNT = 16;
    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

    @Spec
    private CommandSpec spec;

    @Option(
            names = "--prompt",
            paramLabel = "TEXT",
            description = "What every job draws (default: four shapes prompts in turn, such as \"a red circle on a"
                    + " blue background, top left\").")
    private String prompt;

    @Option(
            names = "--count",
            paramLabel = "N",
            defaultValue = "4",
            description = "How many jobs, 1 to " + MAX_COUNT + "; job i gets seed i (default: ${DEFAULT-VALUE}).")
    private int count;

    @Option(
            names = "--out",
            paramLabel = "DIR",
            defaultValue = "kiln-out",
            description = "Where the PNGs go, as <job_id>-<index>.png (default: ${DEFAULT-VALUE}).")
    private Path out;

    @Option(
            names = "--dir",
            paramLabel = "DIR",
            defaultValue = LocalCommand.DEFAULT_DIR,
            description = "The kiln local folder: a cluster running from it is used, else one is started there"
                    + " (default: ${DEFAULT-VALUE}).")
    private Path dir;

    @Override
    public Integer call() throws Exception {
        if (count < 1 || count > MAX_COUNT) {
            throw new ParameterException(spec.commandLine(), "--count must be 1 to " + MAX_COUNT + ", was " + count);
        }
        PrintWriter console = spec.commandLine().getOut();
        Optional<LocalCluster.Access> running = LocalCluster.running(dir).filter(access -> answers(access.api()));
        if (running.isPresent()) {
            console.println("Using the kiln local running from " + dir + " at "
                    + running.get().api());
            return generate(running.get(), console);
        }
        console.println("No kiln local runs from " + dir + "; starting one for the demo (stopped afterwards)");
        var cluster = new LocalCluster(
                new LocalClusterConfig(dir, 1, Optional.empty(), 0), line -> console.println("  " + line));
        // Ctrl-C during the demo: the children ignore it (LocalProcesses), so they are stopped here
        Thread stopOnExit = new Thread(() -> stopQuietly(cluster), "kiln-demo-stop");
        Runtime.getRuntime().addShutdownHook(stopOnExit);
        try {
            LocalCluster.Started started = cluster.start();
            return generate(new LocalCluster.Access(started.api(), started.key()), console);
        } finally {
            // on Ctrl-C the JVM is already shutting down, and the hook stops the cluster
            if (forget(stopOnExit)) {
                console.println("Stopping the demo's cluster...");
                cluster.stop();
            }
        }
    }

    /** Submits the jobs, follows them to their end, downloads what succeeded; 0 if every job did. */
    private int generate(LocalCluster.Access access, PrintWriter console) throws Exception {
        try (KilnClient client = KilnClient.builder()
                .baseUrl(access.api())
                .apiKey(access.key().key())
                .build()) {
            List<JobHandle> jobs = new ArrayList<>();
            for (int i = 1; i <= count; i++) {
                jobs.add(client.submit(GenerationRequest.builder()
                        .prompt(prompt(i))
                        .seed((long) i)
                        .build()));
            }
            String prompts = IntStream.rangeClosed(1, count)
                    .mapToObj(this::prompt)
                    .distinct()
                    .map(text -> "\"" + text + "\"")
                    .collect(Collectors.joining(", "));
            console.println("Submitted " + count + " job(s) for " + prompts + ":");
            List<JobUpdate> ends = follow(jobs, console);

            Files.createDirectories(out);
            List<Path> images = new ArrayList<>();
            int failed = 0;
            for (int i = 0; i < jobs.size(); i++) {
                if (ends.get(i).event() == JobUpdate.Kind.SUCCEEDED) {
                    images.addAll(jobs.get(i).download(out));
                } else {
                    failed++;
                    console.println(
                            jobs.get(i).jobId() + " " + ends.get(i).event().wireName() + describe(ends.get(i)));
                }
            }
            console.println(images.isEmpty() ? "No image was made." : "Images:");
            images.forEach(image -> console.println("  " + image));
            return failed == 0 ? ExitCode.OK : ExitCode.SOFTWARE;
        }
    }

    /** The prompt of job {@code i}, counted from 1. */
    private String prompt(int i) {
        return prompt != null ? prompt : DEFAULT_PROMPTS.get((i - 1) % DEFAULT_PROMPTS.size());
    }

    /** Follows every job's event stream on a thread of its own, drawing the board; returns each job's final event. */
    private static List<JobUpdate> follow(List<JobHandle> jobs, PrintWriter console)
            throws InterruptedException, ExecutionException {
        var board = new ProgressBoard(
                console,
                System.console() != null,
                jobs.stream().map(JobHandle::jobId).toList());
        board.draw();
        try (var threads = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JobUpdate>> ends = new ArrayList<>();
            for (int i = 0; i < jobs.size(); i++) {
                int index = i;
                ends.add(threads.submit(() -> jobs.get(index).events(update -> board.update(index, update))));
            }
            List<JobUpdate> finals = new ArrayList<>();
            for (Future<JobUpdate> end : ends) {
                finals.add(end.get());
            }
            return finals;
        }
    }

    private static String describe(JobUpdate end) {
        if (end.error() != null) {
            return ": " + end.error().code().wireName() + ": " + end.error().message();
        }
        return end.reason() != null ? ": " + end.reason() : "";
    }

    /** Whether the API at {@code api} says it is ready. */
    private static boolean answers(URI api) {
        try (HttpClient http =
                HttpClient.newBuilder().connectTimeout(HEALTH_TIMEOUT).build()) {
            HttpRequest health = HttpRequest.newBuilder(api.resolve("/v1/health"))
                    .timeout(HEALTH_TIMEOUT)
                    .build();
            return http.send(health, HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Removes {@code hook}; false if the JVM is already shutting down, and so runs it. */
    private static boolean forget(Thread hook) {
        try {
            return Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            return false;
        }
    }

    private static void stopQuietly(LocalCluster cluster) {
        try {
            cluster.stop();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
