package io.kiln.dispatcher.config;

/**
 * Where the HTTP API listens and how much it reads.
 *
 * @param host the address to bind; the loopback address by default, so nothing is exposed unless asked for
 * @param port 0 to 65535; 0 takes any free port
 * @param maxBodyBytes the largest request body read, 1 KiB to 16 MiB; a larger one is answered 413. A request with
 *     two 4000-character prompts and full metadata is under 64 KiB
 */
public record HttpSettings(String host, int port, long maxBodyBytes) {
    /** The default body limit: 64 KiB. */
    public static final long DEFAULT_MAX_BODY_BYTES = 64 * 1024;

    public HttpSettings {
        Check.notBlank(host, "http.host");
        Check.between(port, 0, 65_535, "http.port");
        Check.between(maxBodyBytes, 1024, 16 * 1024 * 1024, "http.maxBodyBytes");
    }

    /** 127.0.0.1:8080 with a 64 KiB body limit. */
    public static HttpSettings defaults() {
        return new HttpSettings("127.0.0.1", 8080, DEFAULT_MAX_BODY_BYTES);
    }
}
