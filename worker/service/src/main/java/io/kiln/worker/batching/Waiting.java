package io.kiln.worker.batching;

import java.time.Instant;

/**
 * A job waiting in a {@link Lane}, with what the batcher needs to order it.
 *
 * @param images how many images the job asks for, read once when it was added
 * @param sequence the batcher-wide position of the add, which breaks ties between equal arrival times
 */
record Waiting<J>(J job, Instant arrivedAt, int images, long sequence) {}
