package dev.sextant.promql.function;

import java.time.LocalDateTime;
import java.time.ZoneOffset;

/**
 * Per-sample math, clamping, rounding and calendar functions, with Go's floating-point semantics
 * where Java's differ.
 *
 * <p>Thread-safety: stateless.
 */
final class MathFunctions {
    private MathFunctions() {}

    static double sgn(double v, double[] p) {
        if (v < 0) {
            return -1;
        }
        if (v > 0) {
            return 1;
        }
        return v;
    }

    /** Go's math.Log2: exact for powers of two. */
    static double log2(double v, double[] p) {
        if (v > 0 && !Double.isInfinite(v) && v >= Double.MIN_NORMAL) {
            int exp = Math.getExponent(v);
            double frac = v / Math.scalb(1.0, exp);
            if (frac == 1.0) {
                return exp;
            }
            return Math.log(frac) / Math.log(2) + exp;
        }
        return Math.log(v) / Math.log(2);
    }

    static double asinh(double v, double[] p) {
        if (Double.isInfinite(v) || Double.isNaN(v) || v == 0) {
            return v;
        }
        double a = Math.abs(v);
        double r = Math.log(a + Math.sqrt(a * a + 1));
        return v < 0 ? -r : r;
    }

    static double acosh(double v, double[] p) {
        if (v < 1) {
            return Double.NaN;
        }
        return Math.log(v + Math.sqrt(v * v - 1));
    }

    static double atanh(double v, double[] p) {
        if (v < -1 || v > 1) {
            return Double.NaN;
        }
        if (v == 1) {
            return Double.POSITIVE_INFINITY;
        }
        if (v == -1) {
            return Double.NEGATIVE_INFINITY;
        }
        return 0.5 * Math.log1p(2 * v / (1 - v));
    }

    static double clamp(double v, double[] p) {
        return Math.max(p[0], Math.min(p[1], v));
    }

    static double clampMin(double v, double[] p) {
        return Math.max(p[0], v);
    }

    static double clampMax(double v, double[] p) {
        return Math.min(p[0], v);
    }

    static double round(double v, double[] p) {
        double to = p.length > 0 ? p[0] : 1;
        double inverse = 1.0 / to;
        return Math.floor(v * inverse + 0.5) / inverse;
    }

    private static LocalDateTime time(double v) {
        return LocalDateTime.ofEpochSecond((long) v, 0, ZoneOffset.UTC);
    }

    static double minute(double v, double[] p) {
        return Double.isFinite(v) ? time(v).getMinute() : Double.NaN;
    }

    static double hour(double v, double[] p) {
        return Double.isFinite(v) ? time(v).getHour() : Double.NaN;
    }

    static double dayOfWeek(double v, double[] p) {
        return Double.isFinite(v) ? time(v).getDayOfWeek().getValue() % 7 : Double.NaN;
    }

    static double dayOfMonth(double v, double[] p) {
        return Double.isFinite(v) ? time(v).getDayOfMonth() : Double.NaN;
    }

    static double dayOfYear(double v, double[] p) {
        return Double.isFinite(v) ? time(v).getDayOfYear() : Double.NaN;
    }

    static double daysInMonth(double v, double[] p) {
        return Double.isFinite(v) ? time(v).toLocalDate().lengthOfMonth() : Double.NaN;
    }

    static double month(double v, double[] p) {
        return Double.isFinite(v) ? time(v).getMonthValue() : Double.NaN;
    }

    static double year(double v, double[] p) {
        return Double.isFinite(v) ? time(v).getYear() : Double.NaN;
    }
}
