package io.kiln.infra.local.process;

/** Where the local S3 server keeps its objects. */
public enum S3Storage {
    /** In the server's memory: gone when it stops. For tests. */
    TRANSIENT,

    /** In files under the server's folder: kept across restarts. For development. */
    FILESYSTEM
}
