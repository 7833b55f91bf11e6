package io.kiln.contracts;

import java.security.SecureRandom;

/** Where seeds come from when a request does not bring its own. */
@FunctionalInterface
public interface SeedSource {
    /** Assigned seeds lie in [0, 2^32): the range AUTOMATIC1111 and diffusers users see and paste back. */
    long ASSIGNED_SEED_BOUND = 1L << 32;

    /** Returns a seed in [0, {@link #ASSIGNED_SEED_BOUND}). */
    long nextSeed();

    /**
     * Seeds from a {@link SecureRandom}: several dispatchers started at the same moment must not hand out the same
     * sequence, as time-seeded generators would.
     */
    static SeedSource secureRandom() {
        SecureRandom random = new SecureRandom();
        return () -> Integer.toUnsignedLong(random.nextInt());
    }
}
