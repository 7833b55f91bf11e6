package io.kiln.worker.runtime;

import io.kiln.worker.failure.JobFailure;
import io.kiln.worker.kafka.JobOutcome;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The poll thread's inbox: the engine and the output stage report each job's fate here, and every report wakes the
 * poll thread, which alone may publish outcomes and commit offsets.
 */
final class Outcomes {
    private final LinkedBlockingQueue<JobOutcome> queue = new LinkedBlockingQueue<>();
    private final AtomicReference<JobFailure> fatal = new AtomicReference<>();
    private volatile Runnable wakeup = () -> {};

    /** What wakes the poll thread, such as the consumer's {@code wakeup()}. */
    void wakeWith(Runnable wakeup) {
        this.wakeup = wakeup;
    }

    void report(JobOutcome outcome) {
        report(List.of(outcome));
    }

    /** Reports {@code settled} at once, so that the poll thread publishes them in one transaction. */
    void report(List<JobOutcome> settled) {
        queue.addAll(settled);
        wakeup.run();
    }

    /** The worker cannot go on; the first such failure is kept. */
    void fatal(JobFailure failure) {
        fatal.compareAndSet(null, failure);
        wakeup.run();
    }

    /** Wakes the poll thread without an outcome, for example because the engine became idle. */
    void wake() {
        wakeup.run();
    }

    Optional<JobFailure> fatal() {
        return Optional.ofNullable(fatal.get());
    }

    /** Every outcome reported so far, oldest first. */
    List<JobOutcome> drain() {
        List<JobOutcome> drained = new ArrayList<>();
        queue.drainTo(drained);
        return drained;
    }

    /** Every outcome reported so far, waiting up to {@code timeout} for the first when there is none yet. */
    List<JobOutcome> drain(Duration timeout) throws InterruptedException {
        List<JobOutcome> drained = new ArrayList<>();
        JobOutcome first = queue.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (first != null) {
            drained.add(first);
            queue.drainTo(drained);
        }
        return drained;
    }
}
