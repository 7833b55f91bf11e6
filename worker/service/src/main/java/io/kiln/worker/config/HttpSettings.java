package io.kiln.worker.config;

/**
 * Where the worker's health and metrics endpoints listen.
 *
 * @param host the address to bind; the loopback address by default, so nothing is exposed unless asked for
 * @param port 0 to 65535; 0 takes any free port
 */
public record HttpSettings(String host, int port) {

    public HttpSettings {
        Check.notBlank(host, "host");
        Check.between(port, 0, 65_535, "port");
    }

    /** 127.0.0.1:8081. */
    public static HttpSettings defaults() {
        return new HttpSettings("127.0.0.1", 8081);
    }
}
