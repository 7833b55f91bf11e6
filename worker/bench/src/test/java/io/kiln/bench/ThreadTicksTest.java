package io.kiln.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class ThreadTicksTest {
    private static final String NAME = "kiln-ticks-test";

    @Test
    void readsUserAndSystemTicksFromTheFieldsAfterTheName() {
        // state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt cmajflt utime stime ...
        assertThat(ThreadTicks.ticksAfterName("R 1 1 1 0 -1 4194560 10 0 0 0 437 12 0 0 20 0 30"))
                .isEqualTo(437 + 12);
    }

    @Test
    void countsTheCpuOfTheLiveThreadsOfOneName() throws Exception {
        assumeTrue(Files.isDirectory(Path.of("/proc/self/task")), "thread CPU times come from Linux's /proc");
        var spun = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        Thread busy = Thread.ofPlatform().name(NAME).start(() -> {
            spinForCpu(TimeUnit.MILLISECONDS.toNanos(500));
            spun.countDown();
            awaitQuietly(release);
        });
        try {
            assertThat(spun.await(30, TimeUnit.SECONDS)).isTrue();

            // 500 ms is 50 ticks of 10 ms; the kernel samples them, so allow for its rounding
            assertThat(ThreadTicks.named(NAME).orElseThrow()).isBetween(40L, 100L);
            assertThat(ThreadTicks.named("kiln-no-such").orElseThrow()).isZero();
        } finally {
            release.countDown();
            busy.join();
        }
    }

    private static void spinForCpu(long nanos) {
        var threads = ManagementFactory.getThreadMXBean();
        long start = threads.getCurrentThreadCpuTime();
        while (threads.getCurrentThreadCpuTime() - start < nanos) {
            Thread.onSpinWait();
        }
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
