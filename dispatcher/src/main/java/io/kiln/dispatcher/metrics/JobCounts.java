package io.kiln.dispatcher.metrics;

import io.kiln.contracts.JobStatus;
import io.kiln.dispatcher.status.StatusService;
import io.kiln.dispatcher.status.StatusUnavailableException;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

/**
 * {@code kiln.jobs}: the jobs in each state, one series per state, read from the counts the status application keeps
 * ({@link StatusService#count}), one entry per state and scrape. Each replica gives the states it counts and 0 for the
 * others, so sum over the replicas: {@code sum by (status) (kiln_jobs)}. NaN while the counts cannot be read.
 */
public final class JobCounts {
    private JobCounts() {}

    public static void register(MeterRegistry registry, StatusService status) {
        for (JobStatus.Status state : JobStatus.Status.values()) {
            Gauge.builder("kiln.jobs", () -> count(status, state))
                    .description("Jobs in each state, as counted by this replica; sum over the replicas")
                    .baseUnit("jobs")
                    .tag("status", state.wireName())
                    .register(registry);
        }
    }

    private static double count(StatusService status, JobStatus.Status state) {
        try {
            return status.count(state);
        } catch (StatusUnavailableException e) {
            return Double.NaN;
        }
    }
}
