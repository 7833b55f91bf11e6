package io.kiln.engine.random;

/**
 * An unevaluated sum {@code hi + lo} of two doubles with |lo| ≤ ½ ulp(hi): about 106 significant bits, enough to
 * round a transcendental function correctly to double. The algorithms are the classic error-free transformations
 * (Knuth's two-sum, the {@code fma} two-product) as collected in Hida, Li and Bailey's QD library; every result is
 * renormalised, so {@link #hi} is always the double nearest to the represented value.
 */
record DoubleDouble(double hi, double lo) {
    static final DoubleDouble ONE = new DoubleDouble(1.0, 0.0);

    /** The exact value of a double. */
    static DoubleDouble of(double value) {
        return new DoubleDouble(value, 0.0);
    }

    /** The exact sum of two doubles. */
    static DoubleDouble sum(double a, double b) {
        double s = a + b;
        double bb = s - a;
        return new DoubleDouble(s, (a - (s - bb)) + (b - bb));
    }

    /** The exact product of two doubles. */
    static DoubleDouble product(double a, double b) {
        double p = a * b;
        return new DoubleDouble(p, Math.fma(a, b, -p));
    }

    DoubleDouble add(DoubleDouble other) {
        DoubleDouble s = sum(hi, other.hi);
        DoubleDouble t = sum(lo, other.lo);
        DoubleDouble u = renormalise(s.hi, s.lo + t.hi);
        return renormalise(u.hi, u.lo + t.lo);
    }

    DoubleDouble negate() {
        return new DoubleDouble(-hi, -lo);
    }

    DoubleDouble subtract(DoubleDouble other) {
        return add(other.negate());
    }

    DoubleDouble multiply(DoubleDouble other) {
        DoubleDouble p = product(hi, other.hi);
        return renormalise(p.hi, p.lo + (hi * other.lo + lo * other.hi));
    }

    DoubleDouble multiply(double factor) {
        DoubleDouble p = product(hi, factor);
        return renormalise(p.hi, p.lo + lo * factor);
    }

    /** Division by a double: the quotient's leading digit, then one correction from the exact remainder. */
    DoubleDouble divide(double divisor) {
        double q1 = hi / divisor;
        DoubleDouble p = product(q1, divisor);
        double remainder = ((hi - p.hi) - p.lo) + lo;
        return renormalise(q1, remainder / divisor);
    }

    /** Long division: three quotient digits, each from the remainder of the previous one. */
    DoubleDouble divide(DoubleDouble divisor) {
        double q1 = hi / divisor.hi;
        DoubleDouble r = subtract(divisor.multiply(q1));
        double q2 = r.hi / divisor.hi;
        r = r.subtract(divisor.multiply(q2));
        double q3 = r.hi / divisor.hi;
        DoubleDouble q = renormalise(q1, q2);
        return q.add(of(q3));
    }

    /** Fast two-sum, valid when |a| ≥ |b| or a is zero. */
    private static DoubleDouble renormalise(double a, double b) {
        double s = a + b;
        return new DoubleDouble(s, b - (s - a));
    }
}
