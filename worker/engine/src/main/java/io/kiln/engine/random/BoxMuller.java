package io.kiln.engine.random;

/**
 * torch's in-place Box-Muller over 16 uniforms ({@code aten/src/ATen/native/cpu/DistributionTemplates.h}): lane j
 * pairs u₁ = 1 − data[j] (in (0, 1], safe for the logarithm) with u₂ = data[j + 8] and writes
 * r·cos θ to data[j] and r·sin θ to data[j + 8], where r = √(−2 ln u₁) and θ = 2π·u₂.
 */
final class BoxMuller {
    /** The block the vectorised kernels work on: 8 lanes, two outputs per lane. */
    static final int BLOCK = 16;

    private static final int LANES = BLOCK / 2;
    /** {@code _mm256_set1_ps(2.0f * c10::pi<double>)}: 2π computed in double, then narrowed. */
    private static final float TWO_PI_FLOAT = (float) (2.0 * Math.PI);

    private BoxMuller() {}

    /**
     * {@code normal_fill_16_AVX2}, the float kernel torch runs on every x86-64 CPU with AVX2 (AVX-512 CPUs too:
     * {@code DistributionKernels.cpp} registers no AVX-512 normal kernel, so dispatch falls back to AVX2). Its final
     * {@code fmadd} with std 1 and mean 0 is exact and therefore left out.
     */
    static void fillFloat(float[] data, int offset) {
        for (int j = offset; j < offset + LANES; j++) {
            float radius = (float) Math.sqrt(-2.0f * AvxMathFun.log(1.0f - data[j]));
            float theta = TWO_PI_FLOAT * data[j + LANES];
            data[j] = radius * AvxMathFun.cos(theta);
            data[j + LANES] = radius * AvxMathFun.sin(theta);
        }
    }

    /**
     * {@code normal_fill_16<double>}, the scalar kernel for float64 tensors: the same arithmetic in double with the C
     * library's {@code log}, {@code cos} and {@code sin}, for which {@link CorrectlyRounded} stands in.
     */
    static void fillDouble(double[] data, int offset) {
        for (int j = offset; j < offset + LANES; j++) {
            double radius = Math.sqrt(-2.0 * CorrectlyRounded.log(1.0 - data[j]));
            double theta = 2.0 * Math.PI * data[j + LANES];
            data[j] = radius * CorrectlyRounded.cos(theta);
            data[j + LANES] = radius * CorrectlyRounded.sin(theta);
        }
    }
}
