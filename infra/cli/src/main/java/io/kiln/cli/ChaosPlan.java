package io.kiln.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * The faults a soak inflicts, one after the other with pauses between, while jobs flow: workers killed with SIGKILL and
 * restarted, the broker stopped, S3 stopped, and a rolling restart of every worker with SIGTERM, which makes a
 * cooperative rebalance in the middle of batches.
 */
final class ChaosPlan {
    /** Time for the cluster to take up its work between two faults. */
    private static final Duration PAUSE = Duration.ofSeconds(5);

    /** What a worker's restart usually takes here, for planning only: loading the model, joining the group. */
    private static final Duration RESTART_ESTIMATE = Duration.ofSeconds(10);

    /** One fault. */
    private interface Fault {
        void inflict(SoakCluster cluster) throws InterruptedException;
    }

    private record Step(String description, Fault fault) {}

    private final List<Step> steps = new ArrayList<>();
    private final Duration estimate;

    /** The plan for {@code settings}, with the killed workers drawn from its seed. */
    ChaosPlan(SoakSettings settings) {
        SplittableRandom random = new SplittableRandom(settings.seed());
        List<Step> kills = new ArrayList<>();
        for (int i = 0; i < settings.kills(); i++) {
            String victim = "worker-" + (1 + random.nextInt(settings.workers()));
            kills.add(new Step("kill " + victim + " (SIGKILL) and restart it", cluster -> {
                cluster.kill(victim);
                cluster.startWorkers(List.of(victim));
            }));
        }
        // the kills spread between the other faults, so that each meets a different state of the cluster
        int nextKill = 0;
        if (nextKill < kills.size()) {
            steps.add(kills.get(nextKill++));
        }
        if (!settings.brokerOutage().isZero()) {
            Duration outage = settings.brokerOutage();
            steps.add(new Step("stop the broker for " + outage.toSeconds() + " s", cluster -> {
                cluster.stopBroker();
                Thread.sleep(outage);
                cluster.startBroker();
            }));
        }
        if (nextKill < kills.size()) {
            steps.add(kills.get(nextKill++));
        }
        if (!settings.storageOutage().isZero()) {
            Duration outage = settings.storageOutage();
            steps.add(new Step("stop S3 for " + outage.toSeconds() + " s", cluster -> {
                cluster.stopStorage();
                Thread.sleep(outage);
                cluster.startStorage();
            }));
        }
        while (nextKill < kills.size()) {
            steps.add(kills.get(nextKill++));
        }
        steps.add(new Step("restart every worker in turn with SIGTERM", cluster -> {
            for (String worker : cluster.workerNames()) {
                cluster.terminate(worker);
                cluster.startWorkers(List.of(worker));
            }
        }));
        this.estimate = PAUSE.multipliedBy(steps.size() + 1)
                .plus(settings.brokerOutage())
                .plus(settings.storageOutage())
                .plus(RESTART_ESTIMATE.multipliedBy(settings.kills() + settings.workers()));
    }

    /** About how long {@link #run} takes: the span over which the jobs are sent. */
    Duration estimate() {
        return estimate;
    }

    /** Inflicts the faults in turn, logging each with its time since the start. */
    void run(SoakCluster cluster, Consumer<String> log) throws InterruptedException {
        long start = System.nanoTime();
        for (Step step : steps) {
            Thread.sleep(PAUSE);
            long began = System.nanoTime();
            step.fault().inflict(cluster);
            log.accept(String.format(
                    Locale.ROOT,
                    "t=%5.1f s  %s: done in %.1f s",
                    (began - start) / 1e9,
                    step.description(),
                    (System.nanoTime() - began) / 1e9));
        }
        Thread.sleep(PAUSE);
    }
}
