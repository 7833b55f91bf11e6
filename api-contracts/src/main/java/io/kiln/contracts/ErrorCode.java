package io.kiln.contracts;

import com.fasterxml.jackson.annotation.JsonEnumDefaultValue;
import com.fasterxml.jackson.annotation.JsonValue;

/** Why a job failed, as carried by {@link JobEvent.Failed}. */
public enum ErrorCode {
    /** The request broke a contract rule; the message lists every violation. Permanent. */
    INVALID_REQUEST("invalid_request"),
    /** The cluster has no model by the requested name. Permanent. */
    UNKNOWN_MODEL("unknown_model"),
    /** {@code init_image} could not be fetched or decoded as an image. Permanent. */
    INIT_IMAGE_UNREADABLE("init_image_unreadable"),
    /** The job's {@code deadline} passed before it could run. Permanent. */
    EXPIRED("expired"),
    /** The GPU ran out of memory, even after splitting the batch. Transient. */
    OUT_OF_MEMORY("out_of_memory"),
    /** S3 was unreachable or refused the upload. Transient. */
    STORAGE_UNAVAILABLE("storage_unavailable"),
    /**
     * A bug or an unexpected condition. Readers also map error codes newer than their contract version to this
     * one, so adding a code never breaks a consumer.
     */
    @JsonEnumDefaultValue
    INTERNAL("internal");

    private final String wireName;

    ErrorCode(String wireName) {
        this.wireName = wireName;
    }

    /** The name used in JSON. */
    @JsonValue
    public String wireName() {
        return wireName;
    }
}
