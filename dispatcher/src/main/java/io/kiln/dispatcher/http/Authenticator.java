package io.kiln.dispatcher.http;

import io.kiln.dispatcher.config.ApiKey;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import java.util.Optional;

/**
 * Tells which API key an {@code Authorization: Bearer <key>} header carries. Keys are known only by their SHA-256;
 * the presented key is hashed and compared with every known hash in constant time ({@link MessageDigest#isEqual}),
 * all of them every time, so neither the comparison nor the number of comparisons says how close a guess came.
 */
final class Authenticator {
    // MessageDigest.getInstance looks the algorithm up among the providers on every call, which showed in the API
    // benchmark's profile; a clone of one untouched instance skips the lookup (clones share nothing once made)
    private static final MessageDigest SHA256 = sha256Digest();
    private static final String BEARER = "Bearer ";

    private record Known(String name, byte[] sha256) {}

    private final List<Known> keys;

    Authenticator(List<ApiKey> keys) {
        this.keys = keys.stream()
                .map(key -> new Known(key.name(), key.sha256Bytes()))
                .toList();
    }

    /** The name of the key in {@code authorization}, or empty if there is none or it is not known. */
    Optional<String> keyName(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
            return Optional.empty();
        }
        String presented = authorization.substring(BEARER.length()).strip();
        if (presented.isEmpty()) {
            return Optional.empty();
        }
        byte[] hash = sha256(presented.getBytes(StandardCharsets.UTF_8));
        String match = null;
        for (Known key : keys) {
            if (MessageDigest.isEqual(key.sha256(), hash)) {
                match = key.name();
            }
        }
        return Optional.ofNullable(match);
    }

    static byte[] sha256(byte[] bytes) {
        try {
            return ((MessageDigest) SHA256.clone()).digest(bytes);
        } catch (CloneNotSupportedException e) {
            throw new IllegalStateException("the JDK's SHA-256 can be cloned", e);
        }
    }

    private static MessageDigest sha256Digest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JVM has SHA-256", e);
        }
    }
}
