package io.kiln.contracts;

/**
 * Kafka header names for the whole system. Values are UTF-8 text: numbers in decimal, instants in ISO-8601 UTC
 * ({@code 2026-05-01T12:00:00Z}).
 */
public final class Headers {
    /** Which delivery attempt of the job a request record is: 1 on {@link Topics#JOBS}, n + 1 on retry topic n. */
    public static final String ATTEMPT = "kiln-attempt";

    /** The instant before which a retry record must not be processed: when the attempt failed plus the delay. */
    public static final String NOT_BEFORE = "kiln-not-before";

    /** The topic the request was first consumed from, kept through retries and into the dead-letter topic. */
    public static final String ORIGINAL_TOPIC = "kiln-original-topic";

    /** The partition the request was first consumed from. */
    public static final String ORIGINAL_PARTITION = "kiln-original-partition";

    /** The offset the request was first consumed at. */
    public static final String ORIGINAL_OFFSET = "kiln-original-offset";

    /** The fully qualified class name of the exception that failed the latest attempt. */
    public static final String EXCEPTION_CLASS = "kiln-exception-class";

    /** The message of the exception that failed the latest attempt. */
    public static final String EXCEPTION_MESSAGE = "kiln-exception-message";

    /** The instant the latest attempt failed. */
    public static final String FAILED_AT = "kiln-failed-at";

    /** The job id, so that a record can be routed or logged without parsing its value; on every Kiln record. */
    public static final String JOB_ID = "kiln-job-id";

    /** The name of the API key that submitted the job, on records the dispatcher writes to {@link Topics#JOBS}. */
    public static final String API_KEY_NAME = "kiln-api-key-name";

    /**
     * The SHA-256 (64 lowercase hex digits) of the request as the client sent it, before the dispatcher assigned a
     * job id or seed, in {@link JsonCodec}'s form; on records the dispatcher writes to {@link Topics#JOBS}. A resubmission
     * with the same job id is the same job only if this matches.
     */
    public static final String REQUEST_SHA256 = "kiln-request-sha256";

    private Headers() {}
}
