package io.kiln.dispatcher.status;

import java.time.Instant;

/**
 * What a record on the job topic says about its job besides the request: who submitted it, the hash of what they
 * sent, and when Kafka took it (the record's timestamp, which the dispatcher sets when it writes). The first two are
 * null on a record some other producer wrote without the dispatcher's headers.
 */
record AcceptedJob(String keyName, String requestSha256, Instant acceptedAt) {}
