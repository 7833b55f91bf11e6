package io.kiln.worker.control;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The jobs someone asked to cancel, as read from the control topic so far. Written by the control reader, read by
 * the engine thread before a job starts and between its steps.
 */
public final class Cancellations {
    private final Map<String, String> reasons = new ConcurrentHashMap<>();

    /** The reason given for cancelling {@code jobId}, if it was cancelled. */
    public Optional<String> reason(String jobId) {
        return Optional.ofNullable(reasons.get(jobId));
    }

    public boolean isCancelled(String jobId) {
        return reasons.containsKey(jobId);
    }

    void cancel(String jobId, String reason) {
        reasons.put(jobId, reason);
    }

    void withdraw(String jobId) {
        reasons.remove(jobId);
    }
}
