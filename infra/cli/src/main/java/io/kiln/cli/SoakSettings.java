package io.kiln.cli;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * What one {@code kiln soak} run does: how many jobs it sends through how many workers, the faults it inflicts meanwhile
 * and the fuzzed records it sends after them.
 *
 * @param jobs one-image jobs sent while the faults happen
 * @param workers worker processes, each in its own JVM
 * @param steps DDIM steps per job: few, so that the work is in the infrastructure rather than in the UNet
 * @param kills workers killed with SIGKILL, one at a time, each restarted
 * @param brokerOutage how long the broker stays stopped
 * @param storageOutage how long S3 stays stopped
 * @param fuzz mutated request records sent once the faults are over
 * @param seed what picks the killed workers and the mutations
 */
record SoakSettings(
        int jobs,
        int workers,
        int steps,
        int kills,
        Duration brokerOutage,
        Duration storageOutage,
        int fuzz,
        long seed) {

    SoakSettings {
        List<String> bad = new ArrayList<>();
        if (jobs < 1) {
            bad.add("--jobs: must be at least 1, was " + jobs);
        }
        if (workers < 2) {
            // one worker alone cannot show a rebalance handing work over
            bad.add("--workers: must be at least 2, was " + workers);
        }
        if (steps < 1) {
            bad.add("--steps: must be at least 1, was " + steps);
        }
        if (kills < 0 || fuzz < 0) {
            bad.add("--kills and --fuzz: must not be negative, were " + kills + " and " + fuzz);
        }
        if (brokerOutage.isNegative() || storageOutage.isNegative()) {
            bad.add("--broker-outage and --storage-outage: must not be negative");
        }
        if (!bad.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", bad));
        }
    }
}
