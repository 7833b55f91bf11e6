package io.kiln.contracts;

import java.time.Duration;
import java.util.List;

/**
 * Kafka topic names for the whole system. Records on the job, retry, dead-letter and event topics are keyed by job
 * id, so all messages of one job stay in order on one partition.
 */
public final class Topics {
    /** Job requests: {@link GenerationRequest} JSON. */
    public static final String JOBS = "kiln.jobs.v1";

    /** Job events: {@link JobEventEnvelope} JSON. */
    public static final String EVENTS = "kiln.events.v1";

    /**
     * Requests Kiln gave up on, copied unchanged with the {@code kiln-original-*} and {@code kiln-exception-*}
     * {@link Headers} to the same partition number; spring-kafka's {@code .DLT} naming.
     */
    public static final String JOBS_DLT = JOBS + ".DLT";

    /**
     * The latest status of every job the dispatcher accepted, keyed by job id: compacted, written by the dispatcher's
     * Kafka Streams application from {@link #JOBS} and {@link #EVENTS}, read back by every dispatcher replica.
     */
    public static final String STATUS = "kiln.status.v1";

    /**
     * Commands to workers, such as cancelling a job: {@link CancelCommand} JSON keyed by job id, written by the
     * dispatcher and read whole by every worker. Whoever creates it makes it compacted and deleting ({@code
     * cleanup.policy=compact,delete}) with a retention of {@link #CONTROL_RETENTION}.
     */
    public static final String CONTROL = "kiln.control.v1";

    /**
     * How long a control topic created by Kiln keeps a cancel ({@code retention.ms}): as long as Kafka keeps a job
     * request by default ({@code log.retention.hours}, 7 days), after which no job it could name is left to cancel.
     * The worker and the dispatcher both create the topic with it.
     */
    public static final Duration CONTROL_RETENTION = Duration.ofDays(7);

    /**
     * How long a request rests on each retry topic before its next attempt: 10 s, 1 min, 5 min. Transient failures
     * (an S3 or broker outage, a full GPU) usually clear within minutes, and a job has usually lost its audience
     * after about six.
     */
    public static final List<Duration> DEFAULT_RETRY_DELAYS =
            List.of(Duration.ofSeconds(10), Duration.ofMinutes(1), Duration.ofMinutes(5));

    /** The default number of retries, and so of retry topics: 3. */
    public static final int DEFAULT_RETRIES = DEFAULT_RETRY_DELAYS.size();

    private static final String RETRY_SUFFIX = "-retry-";

    private Topics() {}

    /**
     * The topic holding requests that wait for retry number {@code retry}, counted from 1: {@code kiln.jobs.v1-retry-1}
     * holds the second attempts. spring-kafka's {@code -retry-} suffix with an index.
     */
    public static String retryTopic(int retry) {
        if (retry < 1) {
            throw new IllegalArgumentException("retries are counted from 1: " + retry);
        }
        return JOBS + RETRY_SUFFIX + retry;
    }
}
