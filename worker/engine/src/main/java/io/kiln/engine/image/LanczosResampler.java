package io.kiln.engine.image;

/**
 * Resizes with a Lanczos-3 filter as Pillow's {@code Image.resize(size, LANCZOS)} does, since diffusers resizes init
 * images with it: separable, rows first, and the kernel widened by the shrink factor when downscaling so every source
 * pixel contributes (no aliasing). Weight i of output pixel x, with scale s = in/out and f = max(s, 1):
 *
 * <pre>
 * center = (x + ½)·s,   w_i ∝ L((i − center + ½) / f),   L(t) = sinc(t)·sinc(t/3) for −3 ≤ t &lt; 3, else 0
 * </pre>
 *
 * over the source pixels i within 3f of the center, normalized to sum 1. Like Pillow's 8-bit path
 * ({@code libImaging/Resample.c}), weights are fixed point with 22 fraction bits and the intermediate image is
 * rounded and clipped to 8 bits, so results match Pillow's but for the last bit of {@code sin}.
 */
final class LanczosResampler {
    /** Lanczos-3: the kernel reaches three source pixels either side (before widening). */
    private static final double RADIUS = 3;

    /** Pillow's {@code PRECISION_BITS}: 32 bits less 8 for the pixel value and 2 for the sum's headroom. */
    private static final int PRECISION_BITS = 32 - 8 - 2;

    private LanczosResampler() {}

    static RgbImage resize(RgbImage source, int width, int height) {
        Taps columns = Taps.of(source.width(), width);
        Taps rows = Taps.of(source.height(), height);
        byte[] in = source.pixels();

        // 1. horizontal pass: source.height × width × 3
        byte[] wide = new byte[source.height() * width * 3];
        for (int y = 0; y < source.height(); y++) {
            int rowStart = y * source.width() * 3;
            for (int x = 0; x < width; x++) {
                int[] weights = columns.weights[x];
                int from = rowStart + columns.first[x] * 3;
                int out = (y * width + x) * 3;
                for (int c = 0; c < 3; c++) {
                    int sum = 1 << (PRECISION_BITS - 1);
                    for (int k = 0; k < weights.length; k++) {
                        sum += weights[k] * (in[from + k * 3 + c] & 0xff);
                    }
                    wide[out + c] = clip8(sum);
                }
            }
        }

        // 2. vertical pass: height × width × 3
        byte[] pixels = new byte[height * width * 3];
        int stride = width * 3;
        for (int y = 0; y < height; y++) {
            int[] weights = rows.weights[y];
            int from = rows.first[y] * stride;
            for (int c = 0; c < stride; c++) {
                int sum = 1 << (PRECISION_BITS - 1);
                for (int k = 0; k < weights.length; k++) {
                    sum += weights[k] * (wide[from + k * stride + c] & 0xff);
                }
                pixels[y * stride + c] = clip8(sum);
            }
        }
        return new RgbImage(width, height, pixels);
    }

    /** A fixed-point sum as a pixel value: Lanczos's negative lobes overshoot 0 and 255 at edges. */
    private static byte clip8(int sum) {
        return (byte) Math.clamp(sum >> PRECISION_BITS, 0, 255);
    }

    private static double lanczos(double t) {
        return t >= -RADIUS && t < RADIUS ? sinc(t) * sinc(t / RADIUS) : 0;
    }

    private static double sinc(double t) {
        return t == 0 ? 1 : Math.sin(Math.PI * t) / (Math.PI * t);
    }

    /** For each output pixel along one axis: its first source pixel and the fixed-point weights from there on. */
    private record Taps(int[] first, int[][] weights) {
        static Taps of(int inSize, int outSize) {
            double scale = (double) inSize / outSize;
            double filterScale = Math.max(scale, 1);
            double support = RADIUS * filterScale;
            int[] first = new int[outSize];
            int[][] weights = new int[outSize][];
            for (int x = 0; x < outSize; x++) {
                double center = (x + 0.5) * scale;
                // Pillow's bounds, truncation included, so the taps are the same pixels
                int lo = Math.max((int) (center - support + 0.5), 0);
                int hi = Math.min((int) (center + support + 0.5), inSize);
                double[] w = new double[hi - lo];
                double total = 0;
                for (int i = lo; i < hi; i++) {
                    w[i - lo] = lanczos((i - center + 0.5) / filterScale);
                    total += w[i - lo];
                }
                int[] fixed = new int[w.length];
                for (int k = 0; k < w.length; k++) {
                    // rounded half away from zero, as Pillow's normalize_coeffs_8bpc
                    fixed[k] = (int) Math.copySign(0.5 + Math.abs(w[k] / total) * (1 << PRECISION_BITS), w[k]);
                }
                first[x] = lo;
                weights[x] = fixed;
            }
            return new Taps(first, weights);
        }
    }
}
