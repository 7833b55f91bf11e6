package io.kiln.dispatcher.config;

import java.nio.file.Path;
import java.util.regex.Pattern;

/**
 * The Kafka Streams application that keeps job status.
 *
 * @param applicationId the Streams {@code application.id}: replicas sharing it share the folding work, and it prefixes
 *     the internal topics; letters, digits, '.', '_' or '-'
 * @param stateDir the folder for the RocksDB stores; each replica needs its own, kept across restarts so that a
 *     restarted replica reads only what it missed
 */
public record StatusSettings(String applicationId, Path stateDir) {
    /** The application id replicas share unless configured otherwise. */
    public static final String DEFAULT_APPLICATION_ID = "kiln-dispatcher";

    private static final Pattern APPLICATION_ID = Pattern.compile("[a-zA-Z0-9._-]{1,200}");

    public StatusSettings {
        if (!APPLICATION_ID
                .matcher(Check.notNull(applicationId, "status.applicationId"))
                .matches()) {
            throw new IllegalArgumentException(
                    "status.applicationId: must be 1 to 200 letters, digits, '.', '_' or '-', was '" + applicationId
                            + "'");
        }
        Check.notNull(stateDir, "status.stateDir");
    }
}
