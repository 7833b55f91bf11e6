package io.kiln.worker.runtime;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.TopicPartition;

/**
 * One stretch of this worker's ownership of a partition: from its assignment until it is revoked (after the grace
 * period) or lost. Each job taken carries the tenure it was taken in. Once that is over, the partition's next owner
 * runs the job and stores its images under the same keys, so this worker must store nothing more for it: the engine
 * drops it at the next step, as it does a cancelled job, and the output stage stops its uploads.
 *
 * <p>Thread-safe: the poll thread ends a tenure, the engine and the output stage read it.
 */
final class Tenure {
    private final TopicPartition partition;
    /** Threads storing a job of this tenure, interrupted when it ends, so that an upload retrying in place stops. */
    private final Set<Thread> storing = ConcurrentHashMap.newKeySet();

    private volatile boolean over;

    Tenure(TopicPartition partition) {
        this.partition = partition;
    }

    TopicPartition partition() {
        return partition;
    }

    /** Whether this worker still owns the partition since the job was taken. */
    boolean held() {
        return !over;
    }

    /** The partition is given away: jobs taken in this tenure are another worker's now. */
    void end() {
        over = true;
        storing.forEach(Thread::interrupt);
    }

    /**
     * Registers the calling thread as storing a job of this tenure until the returned handle is closed; it is
     * interrupted if the tenure ends meanwhile.
     */
    Storing storing() {
        Thread thread = Thread.currentThread();
        storing.add(thread);
        if (over) {
            thread.interrupt();
        }
        return () -> storing.remove(thread);
    }

    /** A thread's registration as storing; closing it never throws. */
    interface Storing extends AutoCloseable {
        @Override
        void close();
    }
}
