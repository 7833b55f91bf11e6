package io.kiln.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * The API key of a local cluster: made once, kept in a file of its folder, and given to the dispatcher as its hash
 * only ({@code KILN_DISPATCHER_API_KEYS=local:<sha256hex>}, docs/DISPATCHER.md), so that a restarted cluster accepts
 * the key its users already have.
 *
 * @param key the bearer token clients send
 */
record DevelopmentKey(String key) {

    /** The key's name in the dispatcher: written with every job it submits. */
    static final String NAME = "local";

    /** What this class generates, and what a hand-written key file must hold: it travels in an HTTP header. */
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9._~+/=-]{16,512}");

    private static final int RANDOM_BYTES = 32;

    DevelopmentKey {
        if (key == null || !KEY.matcher(key).matches()) {
            throw new IllegalArgumentException("the API key must be 16 to 512 characters of A-Z a-z 0-9 . _ ~ + / = -");
        }
    }

    /** A new key of 256 random bits. */
    static DevelopmentKey generate() {
        byte[] bytes = new byte[RANDOM_BYTES];
        new SecureRandom().nextBytes(bytes);
        return new DevelopmentKey("kiln-local-" + HexFormat.of().formatHex(bytes));
    }

    /** The key in {@code file}, or a new one written there, readable by its owner alone on a POSIX file system. */
    static DevelopmentKey readOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                try {
                    return new DevelopmentKey(
                            Files.readString(file, StandardCharsets.UTF_8).strip());
                } catch (IllegalArgumentException e) {
                    throw new IllegalStateException(file + ": " + e.getMessage() + "; delete it for a new key", e);
                }
            }
            DevelopmentKey created = generate();
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
                Files.createFile(
                        file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            }
            Files.writeString(file, created.key() + "\n", StandardCharsets.UTF_8);
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot read or write the API key in " + file, e);
        }
    }

    /** The SHA-256 of the key's UTF-8 bytes in lowercase hex, as {@code printf %s "$KEY" | sha256sum} prints it. */
    String sha256Hex() {
        try {
            return HexFormat.of()
                    .formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    /** The dispatcher's {@code KILN_DISPATCHER_API_KEYS} value for this key alone. */
    String dispatcherSetting() {
        return NAME + ":" + sha256Hex();
    }
}
