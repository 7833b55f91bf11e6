package io.kiln.worker.runtime;

import java.time.Duration;
import java.time.Instant;

/**
 * Where a batch's time went, shared by its jobs.
 *
 * @param start when the batch started: the end of its jobs' queue wait
 * @param denoise text encoding, start latents and the denoising loop
 * @param decode VAE decoding
 */
record BatchTimes(Instant start, Duration denoise, Duration decode) {}
