package io.kiln.dispatcher.config;

import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * A client's API key as the dispatcher stores it: a name, the SHA-256 of the key (never the key itself) and how many
 * requests it may make.
 *
 * @param name who holds the key, shown in logs and written with each job the key submits; letters, digits, '.', '_'
 *     or '-'
 * @param sha256 the SHA-256 of the key's UTF-8 bytes, 64 lowercase hex digits ({@code printf %s "$KEY" | sha256sum})
 * @param rateLimit the requests this key may make; over it, the API answers 429
 */
public record ApiKey(String name, String sha256, RateLimit rateLimit) {
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    public ApiKey {
        if (!NAME.matcher(Check.notNull(name, "apiKeys.name")).matches()) {
            throw new IllegalArgumentException(
                    "apiKeys.name: must be 1 to 64 letters, digits, '.', '_' or '-', was '" + name + "'");
        }
        // the hash is not shown: a short or mistyped value would still say something about the key
        if (!SHA256_HEX
                .matcher(Check.notNull(sha256, "apiKeys[" + name + "].sha256"))
                .matches()) {
            throw new IllegalArgumentException("apiKeys[" + name + "].sha256: must be 64 lowercase hex digits");
        }
        Check.notNull(rateLimit, "apiKeys[" + name + "].rateLimit");
    }

    /** A key with the {@linkplain RateLimit#DEFAULT default rate limit}. */
    public ApiKey(String name, String sha256) {
        this(name, sha256, RateLimit.DEFAULT);
    }

    /** The hash as bytes, for a constant-time comparison. */
    public byte[] sha256Bytes() {
        return HexFormat.of().parseHex(sha256);
    }

    @Override
    public String toString() {
        return "ApiKey[" + name + ", " + rateLimit + "]";
    }
}
