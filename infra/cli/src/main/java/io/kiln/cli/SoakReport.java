package io.kiln.cli;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What a soak measured and what it found broken.
 *
 * @param jobs the jobs sent during the faults
 * @param fuzz the fuzzed records sent after them
 * @param commitChecks how many times the committed offsets were checked against what was settled
 * @param refusedSends records the broker never acknowledged (so never accepted as jobs)
 * @param retried records the workers moved to a retry topic
 * @param unexpectedExits worker exits the soak did not cause
 * @param violations every broken promise, one line each; empty for a pass
 */
record SoakReport(
        Jobs jobs,
        Fuzz fuzz,
        int commitChecks,
        int refusedSends,
        long retried,
        int unexpectedExits,
        List<String> violations) {

    /**
     * @param sent jobs sent
     * @param succeeded jobs whose one terminal event is {@code succeeded}
     * @param imagesChecked images read back from S3 and hashed
     * @param duplicateComputations starts beyond the first, summed over the jobs: work done again after a kill or a
     *     rebalance (allowed, as long as no job is announced twice)
     * @param span from the first send to the last first terminal event
     * @param p50 median time from send to terminal event
     * @param p99 99th percentile of that time
     */
    record Jobs(
            int sent,
            int succeeded,
            int imagesChecked,
            long duplicateComputations,
            Duration span,
            Duration p50,
            Duration p99) {

        double perSecond() {
            return sent / Math.max(1e-9, span.toNanos() / 1e9);
        }
    }

    /**
     * @param sent fuzzed records sent
     * @param deadLettered records that went to the dead-letter topic, each with a reason naming a field
     * @param succeeded records still valid after their damage, which ran
     * @param mutations how many records each mutation made
     */
    record Fuzz(int sent, int deadLettered, int succeeded, Map<RequestFuzzer.Mutation, Integer> mutations) {}

    boolean passed() {
        return violations.isEmpty();
    }

    void print(PrintWriter out) {
        out.printf(
                Locale.ROOT,
                "jobs: %d sent, %d succeeded, each ending once: %s%n",
                jobs.sent(),
                jobs.succeeded(),
                jobs.succeeded() == jobs.sent() ? "yes" : "no");
        out.printf(
                Locale.ROOT,
                "throughput: %.2f jobs/s over %.1f s, from the first send to the last terminal event%n",
                jobs.perSecond(),
                jobs.span().toMillis() / 1e3);
        out.printf(
                Locale.ROOT,
                "time from send to terminal event: p50 %d ms, p99 %d ms%n",
                jobs.p50().toMillis(),
                jobs.p99().toMillis());
        out.printf(
                Locale.ROOT,
                "duplicate computations: %d (jobs started again elsewhere after a fault; none announced twice)%n",
                jobs.duplicateComputations());
        out.printf(
                Locale.ROOT,
                "records moved to a retry topic: %d; sends the broker refused: %d%n",
                retried,
                refusedSends);
        out.printf(Locale.ROOT, "images read back from S3 and hashed: %d%n", jobs.imagesChecked());
        out.printf(Locale.ROOT, "commit checks: %d%n", commitChecks);
        out.printf(
                Locale.ROOT,
                "fuzz: %d records %s: %d dead-lettered naming a field, %d succeeded%n",
                fuzz.sent(),
                fuzz.mutations(),
                fuzz.deadLettered(),
                fuzz.succeeded());
        out.printf(Locale.ROOT, "worker exits the soak did not cause: %d%n", unexpectedExits);
        violations.forEach(violation -> out.println("VIOLATION " + violation));
        out.println(passed() ? "result: pass" : "result: FAIL, " + violations.size() + " violations");
    }
}
