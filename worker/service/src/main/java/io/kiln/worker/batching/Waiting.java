package io.kiln.worker.batching;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;

/**
 * A job waiting in a {@link Lane}, with what the batcher needs to order it.
 *
 * @param images how many images the job asks for, read once when it was added
 * @param priority the job's priority, higher first, read once when it was added
 * @param sequence the batcher-wide position of the add, which breaks ties between equal arrival times
 */
record Waiting<J>(J job, Instant arrivedAt, int images, int priority, long sequence) {

    /**
     * The order in which waiting jobs go at {@code now}: first those waiting {@code starvationLimit} or longer,
     * oldest first; then by priority, higher first; then oldest first.
     */
    static Comparator<Waiting<?>> ahead(Instant now, Duration starvationLimit) {
        Instant overtakenSince = now.minus(starvationLimit);
        return Comparator.comparing((Waiting<?> w) -> w.arrivedAt().isAfter(overtakenSince))
                .thenComparingInt(w -> w.arrivedAt().isAfter(overtakenSince) ? -w.priority() : 0)
                .thenComparingLong(Waiting::sequence);
    }
}
