package io.kiln.worker.runtime;

import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Runs a batch and, when it runs out of memory, runs each half of it once more: a batch that fits in half the memory
 * completes, only slower. A half that still does not fit fails alone, as a transient failure of its jobs.
 */
final class OutOfMemorySplit {
    private OutOfMemorySplit() {}

    /**
     * One part of the batch as it ran.
     *
     * @param results the results in the jobs' order; null when the part ran out of memory
     * @param outOfMemory the failure of a part that ran out of memory even alone or halved; null otherwise
     */
    record Part<J, R>(List<J> jobs, List<R> results, RuntimeException outOfMemory) {
        boolean failed() {
            return outOfMemory != null;
        }
    }

    /** Runs {@code jobs} through {@code generate}, halving once on running out of memory. */
    static <J, R> List<Part<J, R>> run(List<J> jobs, Function<List<J>, List<R>> generate) {
        try {
            return List.of(new Part<>(jobs, generate.apply(jobs), null));
        } catch (RuntimeException e) {
            if (!isOutOfMemory(e)) {
                throw e;
            }
            if (jobs.size() < 2) {
                return List.of(new Part<>(jobs, null, e));
            }
            int half = jobs.size() / 2;
            return List.of(
                    runOnce(jobs.subList(0, half), generate), runOnce(jobs.subList(half, jobs.size()), generate));
        }
    }

    private static <J, R> Part<J, R> runOnce(List<J> jobs, Function<List<J>, List<R>> generate) {
        try {
            return new Part<>(jobs, generate.apply(jobs), null);
        } catch (RuntimeException e) {
            if (isOutOfMemory(e)) {
                return new Part<>(jobs, null, e);
            }
            throw e;
        }
    }

    /**
     * Whether {@code failure} means memory ran out: libtorch reports it as an error whose message says so (CUDA's
     * "out of memory", the CPU allocator's "not enough memory"), which DJL wraps in its EngineException.
     */
    static boolean isOutOfMemory(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
            String message = t.getMessage();
            if (message != null) {
                String lower = message.toLowerCase(Locale.ROOT);
                if (lower.contains("out of memory")
                        || lower.contains("not enough memory")
                        || lower.contains("can't allocate memory")) {
                    return true;
                }
            }
        }
        return false;
    }
}
