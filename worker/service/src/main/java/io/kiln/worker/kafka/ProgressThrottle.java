package io.kiln.worker.kafka;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Decides which {@code progress} events go out: at most one per interval per job, and always the last step, so a
 * reader sees a job finish denoising however fast its steps are.
 */
final class ProgressThrottle {
    private final Duration interval;
    private final Map<String, Instant> lastSent = new ConcurrentHashMap<>();

    ProgressThrottle(Duration interval) {
        this.interval = interval;
    }

    /** Whether step {@code step} of {@code total} of the job, done at {@code now}, is reported. */
    boolean admit(String jobId, int step, int total, Instant now) {
        if (step == total) {
            lastSent.remove(jobId);
            return true;
        }
        Instant previous = lastSent.get(jobId);
        if (previous != null && Duration.between(previous, now).compareTo(interval) < 0) {
            return false;
        }
        lastSent.put(jobId, now);
        return true;
    }

    /** Forgets a job that ended before its last step. */
    void forget(String jobId) {
        lastSent.remove(jobId);
    }
}
