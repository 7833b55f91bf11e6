package io.kiln.engine.random;

/**
 * The 32-bit Mersenne Twister exactly as torch's CPU generator runs it ({@code aten/src/ATen/core/MT19937RNGEngine.h},
 * itself Matsumoto and Nishimura's {@code mt19937ar-cok.c}): {@code init_genrand} on the low 32 bits of the seed, the
 * whole state regenerated every 624 outputs, the standard tempering. Java's {@code int} holds the C {@code uint32_t}
 * bit for bit; only the right shifts must be the unsigned {@code >>>}.
 *
 * <p>Not thread-safe: the state is plain fields, advanced by every call.
 */
final class Mt19937 {
    private static final int N = 624;
    private static final int M = 397;
    private static final int MATRIX_A = 0x9908b0df;
    private static final int UPPER_MASK = 0x80000000;
    private static final int LOWER_MASK = 0x7fffffff;

    private final int[] state = new int[N];
    /** Index of the next state word to temper; {@code N} means the state must be regenerated first. */
    private int next;

    /** Seeds like {@code at::mt19937(seed)}: torch keeps the full 64-bit seed but feeds only its low 32 bits. */
    Mt19937(long seed) {
        state[0] = (int) seed;
        for (int j = 1; j < N; j++) {
            state[j] = 1812433253 * (state[j - 1] ^ (state[j - 1] >>> 30)) + j;
        }
        next = N;
    }

    /** The next 32 random bits, {@code at::mt19937::operator()}; read as unsigned where the value matters. */
    int nextInt() {
        if (next == N) {
            regenerate();
        }
        int y = state[next++];
        y ^= y >>> 11;
        y ^= (y << 7) & 0x9d2c5680;
        y ^= (y << 15) & 0xefc60000;
        y ^= y >>> 18;
        return y;
    }

    /**
     * {@code next_state()}: every word becomes the word M ahead (wrapping, so the later words read already regenerated
     * ones) xor the twist of itself with its successor.
     */
    private void regenerate() {
        int k = 0;
        for (; k < N - M; k++) {
            state[k] = state[k + M] ^ twist(state[k], state[k + 1]);
        }
        for (; k < N - 1; k++) {
            state[k] = state[k + M - N] ^ twist(state[k], state[k + 1]);
        }
        state[N - 1] = state[M - 1] ^ twist(state[N - 1], state[0]);
        next = 0;
    }

    /** The upper bit of {@code u} joined to the lower 31 of {@code v}, shifted, and xored with A when v is odd. */
    private static int twist(int u, int v) {
        int mixed = (u & UPPER_MASK) | (v & LOWER_MASK);
        return (mixed >>> 1) ^ ((v & 1) == 0 ? 0 : MATRIX_A);
    }
}
