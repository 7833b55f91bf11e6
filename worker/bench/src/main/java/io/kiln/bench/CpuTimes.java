package io.kiln.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The machine's CPU time so far, from the first line of Linux's {@code /proc/stat}, in clock ticks. On a shared VM the
 * hypervisor runs other guests on our cores; that time counts as <em>steal</em>, and a round with much of it runs
 * slower for its host's reasons, not the code's. The <em>busy</em> time is what every process here used, the servers'
 * included.
 *
 * @param busy ticks spent running anything: user, nice, system, irq and softirq
 * @param steal ticks the hypervisor gave to others
 * @param total all ticks: user, nice, system, idle, iowait, irq, softirq and steal
 */
record CpuTimes(long busy, long steal, long total) {
    private static final Path PROC_STAT = Path.of("/proc/stat");
    private static final int STEAL_FIELD = 8;
    private static final int IDLE_FIELD = 4;
    private static final int IOWAIT_FIELD = 5;
    /** {@code /proc} counts in USER_HZ, which Linux fixes at 100 per second on every architecture it runs on. */
    private static final double MILLIS_PER_TICK = 10;

    /** Now, or empty where there is no {@code /proc/stat}. */
    static Optional<CpuTimes> now() {
        try (Stream<String> lines = Files.lines(PROC_STAT)) {
            return lines.findFirst().map(CpuTimes::parse);
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /** {@code cpu  user nice system idle iowait irq softirq steal guest guest_nice}; guest time is inside user. */
    static CpuTimes parse(String line) {
        String[] fields = line.strip().split("\\s+");
        if (!fields[0].equals("cpu") || fields.length <= STEAL_FIELD) {
            throw new IllegalArgumentException("not the summary line of /proc/stat: " + line);
        }
        long[] ticks = Arrays.stream(fields, 1, STEAL_FIELD + 1)
                .mapToLong(Long::parseLong)
                .toArray();
        long total = Arrays.stream(ticks).sum();
        long steal = ticks[STEAL_FIELD - 1];
        return new CpuTimes(total - ticks[IDLE_FIELD - 1] - ticks[IOWAIT_FIELD - 1] - steal, steal, total);
    }

    /** The share of the time since {@code earlier} that was stolen, 0 to 1; NaN when no tick passed. */
    double stealSince(CpuTimes earlier) {
        long ticks = total - earlier.total;
        return ticks <= 0 ? Double.NaN : (double) (steal - earlier.steal) / ticks;
    }

    /** The CPU time all cores spent busy since {@code earlier}, in milliseconds, to the 10 ms of a tick. */
    double busyMillisSince(CpuTimes earlier) {
        return millis(busy - earlier.busy);
    }

    /** Clock ticks of {@code /proc} in milliseconds. */
    static double millis(long ticks) {
        return ticks * MILLIS_PER_TICK;
    }
}
