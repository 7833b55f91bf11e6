package io.kiln.worker.config;

import io.kiln.contracts.Topics;
import java.time.Duration;
import java.util.List;

/**
 * How failed jobs are retried, at two levels: S3 calls are retried in place with exponential backoff for a while,
 * then the job moves to the retry topics, where each retry waits its delay. A broker away is waited out in place,
 * for a while, since nothing can move to a retry topic without it.
 *
 * @param delays how long a request rests on retry topic {@code i + 1} before its next attempt; their count is the
 *     number of retries, so a job gets {@code delays.size() + 1} attempts. Empty: failures go straight to the
 *     dead-letter topic.
 * @param storageInitialBackoff the wait before the first in-place S3 retry
 * @param storageMaxBackoff the cap on the doubling S3 backoff; at least {@code storageInitialBackoff}
 * @param storageGiveUpAfter how long the worker keeps retrying S3 for a job before sending it to the retry topic
 * @param brokerGiveUpAfter how long the worker keeps publishing outcomes and reading commits while the broker does
 *     not answer, before it stops (fatal) and leaves its jobs uncommitted for other workers
 */
public record RetrySettings(
        List<Duration> delays,
        Duration storageInitialBackoff,
        Duration storageMaxBackoff,
        Duration storageGiveUpAfter,
        Duration brokerGiveUpAfter) {

    public RetrySettings {
        Check.notNull(delays, "delays");
        for (int i = 0; i < delays.size(); i++) {
            Check.notNegative(delays.get(i), "delays[" + i + "]");
        }
        delays = List.copyOf(delays);
        Check.positive(storageInitialBackoff, "storageInitialBackoff");
        Check.notNull(storageMaxBackoff, "storageMaxBackoff");
        if (storageMaxBackoff.compareTo(storageInitialBackoff) < 0) {
            throw new IllegalArgumentException("storageMaxBackoff: must be at least storageInitialBackoff ("
                    + DurationText.format(storageInitialBackoff) + "), was " + DurationText.format(storageMaxBackoff));
        }
        Check.notNegative(storageGiveUpAfter, "storageGiveUpAfter");
        Check.positive(brokerGiveUpAfter, "brokerGiveUpAfter");
    }

    /** {@link Topics#DEFAULT_RETRY_DELAYS}; S3 backoff from 200 ms up to 10 s, for up to 2 min; the broker, 1 min. */
    public static RetrySettings defaults() {
        return new RetrySettings(
                Topics.DEFAULT_RETRY_DELAYS,
                Duration.ofMillis(200),
                Duration.ofSeconds(10),
                Duration.ofMinutes(2),
                Duration.ofMinutes(1));
    }

    /** The number of retries N; a job is attempted at most N + 1 times. */
    public int retries() {
        return delays.size();
    }
}
