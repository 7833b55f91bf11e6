package io.kiln.engine.random;

/**
 * One lane of the float logarithm and sine/cosine that torch's vectorised Box-Muller calls
 * ({@code log256_ps} and {@code sincos256_ps} of {@code aten/src/ATen/native/cpu/avx_mathfun.h}, Giovanni
 * Garberoglio's AVX port of Julien Pommier's {@code sse_mathfun.h}, itself Cephes' {@code logf} and {@code sinf}).
 * These are polynomial approximations a few ulp from the true values, so {@link Math#log} would not reproduce them:
 * every float operation of the original is repeated here in the same order.
 *
 * <p>Two details decide the last bit. The constants are C {@code double} literals narrowed to float, so they are
 * written {@code (float) 0.7071…} (one rounding through double, as the compiler does), never as float literals. And
 * torch builds this file with {@code -mfma} under GCC's default {@code -ffp-contract=fast}; GCC's intrinsics are plain
 * vector arithmetic, so the compiler fuses each multiply that feeds an add into one {@code vfmadd}, taking the
 * multiplies in program order: where an add sums two products (y·z + e·q₁ in the logarithm, y·z − z/2 in the cosine
 * polynomial) the first product is fused and the second rounded on its own. Those steps are {@link Math#fma} here. On
 * the reference's three (1, 4, 64, 64) draws, 49,152 values, no fusion at all misses 452 and fusing the other product
 * of those two adds misses 54; this reading misses none. {@link Math#fma} is exact by specification, so the bits do not
 * depend on the JVM's CPU (one without FMA only computes them more slowly).
 */
final class AvxMathFun {
    private static final float SQRT_HALF = (float) 0.707106781186547524;
    private static final float LOG_P0 = (float) 7.0376836292E-2;
    private static final float LOG_P1 = (float) -1.1514610310E-1;
    private static final float LOG_P2 = (float) 1.1676998740E-1;
    private static final float LOG_P3 = (float) -1.2420140846E-1;
    private static final float LOG_P4 = (float) 1.4249322787E-1;
    private static final float LOG_P5 = (float) -1.6668057665E-1;
    private static final float LOG_P6 = (float) 2.0000714765E-1;
    private static final float LOG_P7 = (float) -2.4999993993E-1;
    private static final float LOG_P8 = (float) 3.3333331174E-1;
    // ln 2 = LOG_Q2 + LOG_Q1, LOG_Q2 short enough that e·LOG_Q2 is exact
    private static final float LOG_Q1 = (float) -2.12194440e-4;
    private static final float LOG_Q2 = (float) 0.693359375;
    // 4/π, and −π/4 in three parts for the extended-precision range reduction
    private static final float FOUR_OVER_PI = (float) 1.27323954473516;
    private static final float MINUS_DP1 = (float) -0.78515625;
    private static final float MINUS_DP2 = (float) -2.4187564849853515625e-4;
    private static final float MINUS_DP3 = (float) -3.77489497744594108e-8;
    private static final float SIN_P0 = (float) -1.9515295891E-4;
    private static final float SIN_P1 = (float) 8.3321608736E-3;
    private static final float SIN_P2 = (float) -1.6666654611E-1;
    private static final float COS_P0 = (float) 2.443315711809948E-005;
    private static final float COS_P1 = (float) -1.388731625493765E-003;
    private static final float COS_P2 = (float) 4.166664568298827E-002;

    private static final int EXPONENT_MASK = 0x7f800000;
    private static final int SIGN_MASK = 0x80000000;

    private AvxMathFun() {}

    /**
     * {@code log256_ps} for one positive finite float: x = m·2^e with m in [√½, √2), ln x = e·ln 2 + ln m, ln m from
     * Cephes' degree-9 polynomial in (m − 1). Box-Muller only passes values in (0, 1], so the original's NaN mask
     * for x ≤ 0 never fires and is left out.
     */
    static float log(float x) {
        x = Math.max(x, Float.MIN_NORMAL);
        int bits = Float.floatToRawIntBits(x);
        // -> m in [0.5, 1) with the same mantissa, e = unbiased exponent + 1
        float m = Float.intBitsToFloat((bits & ~EXPONENT_MASK) | Float.floatToRawIntBits(0.5f));
        float e = (float) ((bits >>> 23) - 0x7f);
        e = e + 1.0f;
        // m < √½: use 2m − 1 and e − 1, keeping m − 1 small
        boolean small = m < SQRT_HALF;
        float tmp = small ? m : 0.0f;
        m = m - 1.0f;
        e = e - (small ? 1.0f : 0.0f);
        m = m + tmp;

        float z = m * m;
        float y = LOG_P0;
        y = Math.fma(y, m, LOG_P1);
        y = Math.fma(y, m, LOG_P2);
        y = Math.fma(y, m, LOG_P3);
        y = Math.fma(y, m, LOG_P4);
        y = Math.fma(y, m, LOG_P5);
        y = Math.fma(y, m, LOG_P6);
        y = Math.fma(y, m, LOG_P7);
        y = Math.fma(y, m, LOG_P8);
        y = y * m;
        y = Math.fma(y, z, e * LOG_Q1);
        y = Math.fma(-z, 0.5f, y);
        m = m + y;
        return Math.fma(e, LOG_Q2, m);
    }

    /** The sine half of {@code sincos256_ps}. */
    static float sin(float x) {
        return sincos(x, true);
    }

    /** The cosine half of {@code sincos256_ps}. */
    static float cos(float x) {
        return sincos(x, false);
    }

    /**
     * {@code sincos256_ps} for one lane, keeping the output asked for: reduce |x| by j·π/4 with j the even integer
     * nearest to |x|·4/π, evaluate Cephes' sine and cosine polynomials on the remainder, pick by the octant, and fix
     * the signs. Both outputs are combined with the original's adds of masked zeros, which decide the sign of a zero
     * result.
     */
    private static float sincos(float x, boolean wantSin) {
        int signSin = Float.floatToRawIntBits(x) & SIGN_MASK;
        x = Math.abs(x);

        int j = (int) (x * FOUR_OVER_PI);
        j = (j + 1) & ~1;
        float y = (float) j;
        int swapSignSin = (j & 4) << 29;
        boolean sineFromSinePoly = (j & 2) == 0;
        int signCos = (~(j - 2) & 4) << 29;
        signSin ^= swapSignSin;

        // x − y·π/4 in three steps ("extended precision modular arithmetic")
        x = Math.fma(y, MINUS_DP1, x);
        x = Math.fma(y, MINUS_DP2, x);
        x = Math.fma(y, MINUS_DP3, x);

        float z = x * x;
        float cosPoly = COS_P0;
        cosPoly = Math.fma(cosPoly, z, COS_P1);
        cosPoly = Math.fma(cosPoly, z, COS_P2);
        cosPoly = cosPoly * z;
        cosPoly = Math.fma(cosPoly, z, -(z * 0.5f));
        cosPoly = cosPoly + 1.0f;

        float sinPoly = SIN_P0;
        sinPoly = Math.fma(sinPoly, z, SIN_P1);
        sinPoly = Math.fma(sinPoly, z, SIN_P2);
        sinPoly = sinPoly * z;
        sinPoly = Math.fma(sinPoly, x, x);

        float sinFromSin = sineFromSinePoly ? sinPoly : 0.0f;
        float sinFromCos = sineFromSinePoly ? 0.0f : cosPoly;
        if (wantSin) {
            return withSign(sinFromCos + sinFromSin, signSin);
        }
        return withSign((cosPoly - sinFromCos) + (sinPoly - sinFromSin), signCos);
    }

    private static float withSign(float value, int signBit) {
        return Float.intBitsToFloat(Float.floatToRawIntBits(value) ^ signBit);
    }
}
