package io.kiln.worker.control;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs someone asked to cancel, as read from the control topic so far. Written by the control reader, read by
 * the engine thread before a job starts and between its steps.
 */
public final class Cancellations {
    private final Map<String, Cancel> cancels = new ConcurrentHashMap<>();

    /** The reason given for cancelling {@code jobId}, if it was cancelled. */
    public Optional<String> reason(String jobId) {
        return Optional.ofNullable(cancels.get(jobId)).map(Cancel::reason);
    }

    public boolean isCancelled(String jobId) {
        return cancels.containsKey(jobId);
    }

    /**
     * @param writtenAt the control record's timestamp, which the topic's retention counts from
     */
    void cancel(String jobId, String reason, Instant writtenAt) {
        cancels.put(jobId, new Cancel(reason, writtenAt));
    }

    void withdraw(String jobId) {
        cancels.remove(jobId);
    }

    /** Forgets the cancels written before {@code cutoff}. */
    void forgetWrittenBefore(Instant cutoff) {
        cancels.values().removeIf(cancel -> cancel.writtenAt().isBefore(cutoff));
    }

    private record Cancel(String reason, Instant writtenAt) {}
}
