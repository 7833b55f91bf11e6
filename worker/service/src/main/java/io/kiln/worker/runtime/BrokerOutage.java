package io.kiln.worker.runtime;

import io.kiln.worker.failure.JobFailure;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.common.KafkaException;

/**
 * How long the broker has kept failing the poll thread's calls (publications, reads of commits), against how long
 * the worker waits it out ({@code retry.broker-give-up-after}). Beyond that the worker stops: its jobs, uncommitted,
 * go to other workers, and an orchestrator restarts it. Not thread safe: the poll thread owns it.
 */
final class BrokerOutage {
    private final Duration giveUpAfter;
    private final Clock clock;
    private Instant since;

    BrokerOutage(Duration giveUpAfter, Clock clock) {
        this.giveUpAfter = giveUpAfter;
        this.clock = clock;
    }

    /** Until when the broker may go on failing: {@code giveUpAfter} from the first failure of this outage, or now. */
    Instant giveUpAt() {
        return (since == null ? clock.instant() : since).plus(giveUpAfter);
    }

    /**
     * Counts a failure of the broker toward the outage.
     *
     * @throws JobFailure a fatal one when the outage has lasted {@code giveUpAfter}
     */
    void failed(KafkaException failure) {
        Instant now = clock.instant();
        if (since == null) {
            since = now;
        }
        if (!now.isBefore(giveUpAt())) {
            throw JobFailure.fatal(
                    "the broker has failed every call for "
                            + Duration.between(since, now).toSeconds() + " s, longer than retry.broker-give-up-after ("
                            + giveUpAfter + "): " + failure,
                    failure);
        }
    }

    /** The broker answered: the outage, if there was one, is over. */
    void recovered() {
        since = null;
    }
}
