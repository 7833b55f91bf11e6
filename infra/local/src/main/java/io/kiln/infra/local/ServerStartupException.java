package io.kiln.infra.local;

/**
 * A Kafka or S3 server did not start. The message names the server and says why; when the server's own process
 * failed, it also shows the command and the end of the server's log.
 */
public final class ServerStartupException extends RuntimeException {

    private final String serverName;

    public ServerStartupException(String serverName, String message) {
        super(message);
        this.serverName = serverName;
    }

    public ServerStartupException(String serverName, String message, Throwable cause) {
        super(message, cause);
        this.serverName = serverName;
    }

    /** The server that failed: {@code Kafka} or {@code S3}. */
    public String serverName() {
        return serverName;
    }
}
